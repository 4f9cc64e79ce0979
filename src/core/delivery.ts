import { SIGNAL_PRIORITY, type Push, type PushEvent, type Recipients, type Signal } from './signals.js';
import type { RoomState, UserId } from './types.js';
import { audienceView, requesterView, stageUsers, stageView, type RoomView, type ViewKind } from './views.js';

/** What one change did to the room's views. */
export interface ViewChange {
  before: RoomState | null;
  after: RoomState;
  stage: boolean;
  audience: boolean;
}

interface Classes {
  stage: Set<UserId>;
  requesters: Map<UserId, number>;
}

const classesOf = (room: RoomState | null): Classes => ({
  stage: new Set(room && room.status === 'live' ? stageUsers(room) : []),
  requesters: new Map(room && room.status === 'live' ? room.requests.map((r) => [r.userId, r.since]) : []),
});

const kindIn = (c: Classes, userId: UserId): ViewKind =>
  c.stage.has(userId) ? 'stage' : c.requesters.has(userId) ? 'requester' : 'audience';

const concerns = (s: Signal, userId: UserId, kind: ViewKind): boolean =>
  s.to.everyone === true || (s.to.stage === true && kind === 'stage') || (s.to.users?.includes(userId) ?? false);

/** The one signal a member gets of this change (several co-hosts ending at once fold into one). */
const pick = (signals: Signal[]): Signal | undefined => {
  const first = [...signals].sort((a, b) => SIGNAL_PRIORITY.indexOf(a.event) - SIGNAL_PRIORITY.indexOf(b.event))[0];
  if (first?.event !== 'cohost:ended') return first;
  const ended = signals.flatMap((s) =>
    s.event === 'cohost:ended' ? [{ userId: s.payload.userId, reason: s.payload.reason }] : [],
  );
  return ended.length > 1 ? { ...first, payload: { ...first.payload, ended } } : first;
};

const message = (signal: Signal | undefined, view: RoomView): { event: PushEvent; payload: unknown } =>
  signal
    ? { event: signal.event, payload: { ...signal.payload, version: view.version, room: view } }
    : { event: 'room:state', payload: view };

/**
 * Addresses one change to sockets: every member gets at most one push, and only if its view changed — the
 * signal of the change when one concerns it, carrying its view's version and the view, else `room:state`.
 * The stage and each requester are addressed by user; the audience by one room broadcast that leaves them
 * (and anyone whose role changed in this change) out, so a hand-raise costs viewers nothing.
 * A room that closes keeps its last roles for this one push (everyone hears `room:closed` in their own view).
 */
export const deliver = (change: ViewChange, signals: Signal[]): Push[] => {
  const { before, after } = change;
  const was = classesOf(before);
  const is = after.status === 'closed' ? was : classesOf(after);
  const stage = stageView(after);
  const audience = audienceView(after);
  const grouped = new Map<string, { event: PushEvent; payload: unknown; users: UserId[] }>();
  const personal = new Set<UserId>();

  const named = new Set<UserId>([...was.stage, ...is.stage, ...was.requesters.keys(), ...is.requesters.keys()]);
  for (const s of signals) for (const u of s.to.users ?? []) named.add(u);
  for (const userId of named) {
    const kind = kindIn(is, userId);
    const moved = kind !== kindIn(was, userId);
    if (!moved && kind === 'audience') continue; // an ordinary viewer: the broadcast reaches it
    personal.add(userId);
    const viewChanged = moved || (kind === 'stage' ? change.stage : change.audience);
    if (!viewChanged) continue;
    const view =
      kind === 'stage' ? stage : kind === 'requester' ? requesterView(after, is.requesters.get(userId)!) : audience;
    const msg = message(pick(signals.filter((s) => concerns(s, userId, kind))), view);
    const key = `${msg.event}\u0000${JSON.stringify(msg.payload)}`;
    const group = grouped.get(key) ?? { ...msg, users: [] };
    group.users.push(userId);
    grouped.set(key, group);
  }

  const pushes: Push[] = [...grouped.values()].map(({ event, payload, users }) => push({ users }, event, payload));
  if (change.audience) {
    const msg = message(pick(signals.filter((s) => s.to.everyone === true)), audience);
    pushes.push(push({ room: after.roomId, except: [...personal] }, msg.event, msg.payload));
  }
  return pushes;
};

const push = (to: Recipients, event: PushEvent, payload: unknown): Push =>
  ({ type: 'Push', to, event, payload }) as Push;
