import type { DispatchResult, RoomDispatcher, SignedUrls } from '../../app/ports.js';
import { needsPairGrant } from '../../app/own-room.js';
import type { Command, PairingCandidates } from '../../core/events.js';
import { roleOf, stageView, viewFor } from '../../core/views.js';
import { wireView } from './wire-view.js';
import { anchorStream } from '../../core/names.js';
import type { RoomState } from '../../core/types.js';
import { roomChannel } from './channels.js';
import { fromDomainError } from './errors.js';
import type { ClientAck, ClientEvent, ClientPayload, SocketData } from '../../protocol/events.js';
import { mayPair, mayRequest } from '../../protocol/grants.js';
import type { CommandGate } from './command-gate.js';
import type { Presence } from './presence.js';
import type { LinkmicSocket } from './types.js';
import type { LocalLedger } from './local-ledger.js';

export interface HandlerDeps {
  dispatcher: RoomDispatcher;
  urls: SignedUrls;
  presence: Presence;
  ledger?: LocalLedger;
  /** Grants and admission, asked before room:open, cohost:request and cohost:accept reach the room. */
  gate: CommandGate;
}

/** Runs one validated client event for `socket`; throws only on infrastructure failure (acked `internal`). */
export type Handler<E extends ClientEvent> = (
  socket: LinkmicSocket,
  payload: ClientPayload<E>,
) => Promise<ClientAck<E>>;
export type Handlers = { [E in ClientEvent]: Handler<E> } & {
  /** The socket is no longer in these rooms (left or disconnected). */
  released(socket: LinkmicSocket, roomIds: readonly string[]): Promise<void>;
};

const add = (list: string[], id: string): void => {
  if (!list.includes(id)) list.push(id);
};
const remove = (list: string[], id: string): string[] => list.filter((x) => x !== id);

const roomOf = (res: Extract<DispatchResult, { ok: true }>, command: Command['type']): RoomState => {
  if (!res.room) throw new Error(`${command} succeeded without a room`);
  return res.room;
};

/**
 * What may make a request anchor-to-anchor: the rooms this socket opened as anchor (other than the one asked),
 * and what the token allows. The grant to check first comes from `needsPairGrant`; the room service reads the
 * candidates again in the room's queue and decides (app/own-room.ts). None: a plain viewer's request.
 */
const pairingOf = (data: SocketData, roomId: string): PairingCandidates | undefined => {
  const anchorOf = data.anchorOf.filter((id) => id !== roomId);
  if (anchorOf.length === 0) return undefined;
  return { anchorOf, mayAsViewer: mayRequest(data.grants), mayAsAnchor: mayPair(data.grants) };
};

export const createHandlers = ({ dispatcher, urls, presence, ledger, gate }: HandlerDeps): Handlers => {
  /** Joins the socket room; if the socket dropped while the command ran, its disconnect missed this room. */
  const enter = async (socket: LinkmicSocket, roomId: string, asAnchor: boolean): Promise<void> => {
    await socket.join(roomChannel(roomId));
    add(socket.data.rooms, roomId);
    if (asAnchor) add(socket.data.anchorOf, roomId);
    ledger?.joined(roomId, socket.data.userId);
    if (!socket.connected) await presence.gone(socket.data.userId, socket.id, [roomId]);
  };

  /** Events whose success ack carries nothing: dispatch the command, pass the outcome through. */
  const plain =
    <E extends ClientEvent>(toCommand: (userId: string, payload: ClientPayload<E>) => Command) =>
    async (socket: LinkmicSocket, payload: ClientPayload<E>) => {
      const res = await dispatcher.dispatch(payload.roomId, toCommand(socket.data.userId, payload));
      return res.ok ? ({ ok: true } as const) : fromDomainError(res.error);
    };

  const withTarget = (type: 'AcceptCohost' | 'RejectCohost' | 'KickCohost') =>
    plain<'cohost:accept' | 'cohost:reject' | 'cohost:kick'>((userId, p) => ({ type, userId, target: p.userId }));

  return {
    released: async (socket, roomIds) => ledger?.left(socket, roomIds),
    'room:open': async (socket, { roomId }) => {
      const refused = await gate.open(socket.data, roomId);
      if (refused) return refused;
      const res = await dispatcher.dispatch(roomId, { type: 'OpenRoom', roomId, userId: socket.data.userId });
      if (!res.ok) return fromDomainError(res.error);
      const room = roomOf(res, 'OpenRoom');
      await enter(socket, roomId, true);
      return { ok: true, room: wireView(stageView(room), urls), push: { url: urls.push(anchorStream(roomId)) } };
    },
    'room:join': async (socket, { roomId }) => {
      const res = await dispatcher.dispatch(roomId, { type: 'JoinRoom', userId: socket.data.userId });
      if (!res.ok) return fromDomainError(res.error);
      const room = roomOf(res, 'JoinRoom');
      const role = roleOf(room, socket.data.userId);
      // The anchor joining again (a reconnect) is the anchor: its room is a candidate for anchor-to-anchor.
      await enter(socket, roomId, role === 'anchor');
      const view = wireView(viewFor(room, socket.data.userId), urls);
      return { ok: true, room: view, role, play: view.play };
    },
    'room:sync': async (socket, { roomId }) => {
      const room = await dispatcher.load(roomId);
      if (!room) return fromDomainError({ code: 'not_found', message: 'no such room' });
      return {
        ok: true,
        room: wireView(viewFor(room, socket.data.userId), urls),
        role: roleOf(room, socket.data.userId),
      };
    },
    'room:leave': async (socket, { roomId }) => {
      const res = await dispatcher.dispatch(roomId, { type: 'LeaveRoom', userId: socket.data.userId });
      if (!res.ok) return fromDomainError(res.error);
      await socket.leave(roomChannel(roomId));
      socket.data.rooms = remove(socket.data.rooms, roomId);
      await ledger?.left(socket, [roomId]);
      return { ok: true };
    },
    'room:close': async (socket, { roomId }) => {
      const res = await dispatcher.dispatch(roomId, { type: 'CloseRoom', userId: socket.data.userId });
      if (!res.ok) return fromDomainError(res.error);
      // A closed room is no anchor-to-anchor candidate: later requests need not read it to find it closed.
      socket.data.anchorOf = remove(socket.data.anchorOf, roomId);
      return { ok: true };
    },
    'cohost:request': async (socket, { roomId }) => {
      const { userId } = socket.data;
      const joined = socket.rooms.has(roomChannel(roomId));
      const pairing = pairingOf(socket.data, roomId);
      const asAnchor = pairing ? await needsPairGrant(dispatcher, roomId, userId, pairing) : false;
      const refused = await gate.request(socket.data, roomId, asAnchor);
      if (refused) return refused;
      const command: Command = { type: 'RequestCohost', userId, joined, ownRoom: null, ...(pairing && { pairing }) };
      const res = await dispatcher.dispatch(roomId, command);
      return res.ok ? { ok: true } : fromDomainError(res.error);
    },
    'cohost:cancel': plain((userId) => ({ type: 'CancelRequest', userId })),
    'cohost:accept': async (socket, payload) =>
      (await gate.accept(socket.data, payload.roomId, payload.userId)) ?? withTarget('AcceptCohost')(socket, payload),
    'cohost:reject': withTarget('RejectCohost'),
    'cohost:leave': plain((userId) => ({ type: 'LeaveCohost', userId })),
    'cohost:kick': withTarget('KickCohost'),
  };
};
