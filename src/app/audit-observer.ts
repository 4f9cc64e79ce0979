import { randomBytes } from 'node:crypto';
import { callOutcome, detailOf, kindOf, requestIdOf } from './audit-describe.js';
import { encodeEntryId, isEntryNode } from './audit-entry-id.js';
import type { AuditEntry, AuditTrail, RoomObserver } from './audit-trail.js';
import type { Clock } from './ports.js';
import type { RoomInput } from '../core/events.js';

/** Presence that changes nothing (a viewer arriving or going) would flood a big room's bounded trail. */
const QUIET_WHEN_UNCHANGED: ReadonlySet<RoomInput['type']> = new Set(['JoinRoom', 'LeaveRoom', 'SocketGone']);

const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * An input that changes nothing is recorded once per this window when it repeats exactly (AliLive redelivers a
 * callback until it sees 200; a client retries): a redelivery storm would otherwise push the room's history out
 * of its bounded trail, and cost a store write per repeat. `linkmic_callbacks_total` still counts every one.
 */
export const REPEAT_WINDOW_MS = 10_000;
/** Repeats remembered at once (the oldest are forgotten first): bounds memory whatever the traffic. */
const REPEATS_KEPT = 4096;

/**
 * Turns what the engine reports into timeline entries. Ids are `<at base36>-<node>-<n>`: unique across
 * nodes without a shared counter (no extra round trip), and they sort with time within a node.
 */
export const createAuditObserver = (deps: { trail: AuditTrail; clock: Clock; node?: string }): RoomObserver => {
  const node = deps.node ?? randomBytes(3).toString('hex');
  if (!isEntryNode(node))
    throw new Error(`audit node must be 1-16 characters of [0-9a-z], not ${JSON.stringify(node)}`);
  let n = 0;
  const lastSeen = new Map<string, number>();
  /** Whether this unchanged input was recorded, exactly so, within the window (and if not, remember it now). */
  const isRepeat = (roomId: string, name: string, detail: string, at: number): boolean => {
    const key = `${roomId}\u0000${name}\u0000${detail}`;
    const seen = lastSeen.get(key);
    if (seen !== undefined && at - seen < REPEAT_WINDOW_MS) return true;
    lastSeen.delete(key);
    lastSeen.set(key, at);
    const oldest = lastSeen.keys().next();
    if (lastSeen.size > REPEATS_KEPT && !oldest.done) lastSeen.delete(oldest.value);
    return false;
  };
  const entry = (fields: Omit<AuditEntry, 'id' | 'at'>): AuditEntry => {
    const at = deps.clock.now();
    n = (n + 1) % 1_000_000;
    return { id: encodeEntryId({ at, node, seq: n }), at, ...fields };
  };
  return {
    applied(roomId, input, result, ms) {
      // A refusal for a room that does not exist would let anyone create trails by naming rooms.
      if (!result.ok && result.error.code === 'not_found') return;
      if (result.ok && !result.changed && QUIET_WHEN_UNCHANGED.has(input.type)) return;
      // The acting user of a command; for a fact about one user (a socket gone, a session ended), that user.
      const userId = 'userId' in input && typeof input.userId === 'string' ? input.userId : null;
      const base = { kind: kindOf(input), name: input.type, userId, ms: roundMs(ms) };
      if (!result.ok) {
        const detail = `${detailOf(input)}${detailOf(input) ? ' — ' : ''}${result.error.message}`;
        return deps.trail.append(roomId, entry({ ...base, outcome: `refused:${result.error.code}`, detail }));
      }
      const views =
        result.changed && result.room
          ? { stage: result.room.views.stage, audience: result.room.views.audience }
          : undefined;
      const detail = detailOf(input);
      if (!result.changed && isRepeat(roomId, input.type, detail, deps.clock.now())) return;
      const outcome = result.changed ? 'changed' : 'unchanged';
      deps.trail.append(roomId, entry({ ...base, outcome, detail, ...(views ? { views } : {}) }));
    },
    called(roomId, call) {
      const requestId = requestIdOf(call.outcome);
      const detail = requestId ? `${call.detail} requestId=${requestId}` : call.detail;
      deps.trail.append(
        roomId,
        entry({
          kind: 'call',
          name: call.action,
          userId: null,
          outcome: callOutcome(call.outcome),
          detail,
          ms: roundMs(call.ms),
        }),
      );
    },
  };
};
