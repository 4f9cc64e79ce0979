import { domainError, type DomainError } from '../core/errors.js';
import type { PairingCandidates, RoomInput } from '../core/events.js';
import type { RoomId, UserId } from '../core/types.js';
import type { RoomRepository } from './ports.js';

type OwnRoom = Extract<RoomInput, { type: 'RequestCohost' }>['ownRoom'];

/**
 * The live room (other than `roomId`) among the candidates that `userId` still anchors: what makes a request
 * anchor-to-anchor. The candidates only name rooms; the stored room decides, read while the requested room's
 * queue is held, so the request is decided on what the store says now.
 */
export const ownRoomOf = async (
  repo: Pick<RoomRepository, 'load'>,
  roomId: RoomId,
  userId: UserId,
  anchorOf: readonly RoomId[],
): Promise<OwnRoom> => {
  for (const candidate of anchorOf) {
    if (candidate === roomId) continue;
    const room = await repo.load(candidate);
    if (room && room.status === 'live' && room.anchor.userId === userId) {
      return { roomId: candidate, stream: room.anchor.stream };
    }
  }
  return null;
};

/**
 * Whether the grants should be checked for an anchor-to-anchor request (`pair`) rather than a viewer's (`cohost`),
 * before the request is dispatched: grants refuse before the admission backend is asked (docs/protocol.md §6.4).
 * A token holding both grants needs no read; one holding a single grant reads the candidates now. The room
 * service decides again in the room's queue (`withOwnRoom`), so a room that closed in between is still caught.
 */
export const needsPairGrant = async (
  repo: Pick<RoomRepository, 'load'>,
  roomId: RoomId,
  userId: UserId,
  pairing: PairingCandidates,
): Promise<boolean> =>
  pairing.mayAsViewer && pairing.mayAsAnchor
    ? true
    : (await ownRoomOf(repo, roomId, userId, pairing.anchorOf)) !== null;

/** What the token must allow for the request the candidates turned out to make (PROTOCOL §4.1 grants). */
const refusal = (pairing: PairingCandidates, asAnchor: boolean): DomainError | null => {
  if (asAnchor && !pairing.mayAsAnchor)
    return domainError('forbidden', 'your token does not grant co-hosting as an anchor (pair)');
  if (!asAnchor && !pairing.mayAsViewer)
    return domainError('forbidden', 'your token does not grant requesting to co-host (cohost)');
  return null;
};

/**
 * A co-host request that names pairing candidates, as the core takes it: with `ownRoom` resolved from the
 * store, or the refusal its token earns. Any other input passes as it is.
 */
export const withOwnRoom = async (
  repo: Pick<RoomRepository, 'load'>,
  roomId: RoomId,
  input: RoomInput,
): Promise<{ ok: true; input: RoomInput } | { ok: false; error: DomainError }> => {
  if (input.type !== 'RequestCohost' || !input.pairing) return { ok: true, input };
  const { pairing, ...request } = input;
  const ownRoom = await ownRoomOf(repo, roomId, input.userId, pairing.anchorOf);
  const error = refusal(pairing, ownRoom !== null);
  return error ? { ok: false, error } : { ok: true, input: { ...request, ownRoom } };
};
