import type { RoomView, ServerEvent, ViewEvent, ViewPushes } from '../protocol/events.js';

/** The audience and a requester count the same version line (a requester's view changes with the audience's). */
const lineOf = (view: RoomView): 'stage' | 'audience' => (view.view === 'stage' ? 'stage' : 'audience');

export const isViewEvent = (event: string): event is ViewEvent =>
  event === 'room:state' || /^(room:closed|cohost:(ended|requested|request-ended)|mix:)/.test(event);

/** A view push with its event: the event says what the payload is. */
type ViewPush = { [E in ViewEvent]: { event: E; payload: ViewPushes[E] } }[ViewEvent];

/** The view a push shows: `room:state` is the view, a signal carries it as `room`. */
const viewOf = (push: ViewPush): RoomView => (push.event === 'room:state' ? push.payload : push.payload.room);

interface Tracked {
  view: RoomView;
  /** Newer pushes held back while an older one is missing (pushes of one room may come by two nodes). */
  held: Map<number, ViewPush>;
  /** Cancels the wait for missing pushes; null when none is running. */
  timer: (() => void) | null;
  syncing: boolean;
}

export interface ViewTrackerDeps {
  /** Hands an accepted push to the app. */
  deliver(event: ServerEvent, payload: unknown): void;
  /** The view of a room changed (applied in order). */
  changed(roomId: string, view: RoomView): void;
  /** Ask the server for the current view; the answer comes back through `synced`. */
  resync(roomId: string): void;
  /** How long a push that jumped ahead waits for the ones before it. @default 250 */
  reorderMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/**
 * Applies the pushes of each room in version order: a push not newer than the view applied is dropped (a
 * late copy), the next one is applied, one that jumps ahead waits a moment for the missing ones and then the
 * tracker resynchronises (one `room:sync`). A push of another view kind (the member's role changed: it became
 * a requester, a co-host, a viewer again) is applied and confirmed with a resync, since versions of two kinds
 * are not comparable. URL deliveries are not views: they pass straight through.
 */
export const createViewTracker = (deps: ViewTrackerDeps) => {
  const rooms = new Map<string, Tracked>();
  const reorderMs = deps.reorderMs ?? 250;
  /** Starts a timer and returns what cancels it (the deps' timers in tests, the runtime's otherwise). */
  const startTimer = (fn: () => void, ms: number): (() => void) => {
    if (deps.setTimer) {
      const { setTimer, clearTimer } = deps;
      const handle = setTimer(fn, ms);
      return () => clearTimer?.(handle);
    }
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  };

  const apply = (t: Tracked, view: RoomView): void => {
    t.view = view;
    deps.changed(view.roomId, view);
  };

  const drainHeld = (t: Tracked): void => {
    for (let next = t.held.get(t.view.version + 1); next; next = t.held.get(t.view.version + 1)) {
      t.held.delete(t.view.version + 1);
      apply(t, viewOf(next));
      deps.deliver(next.event, next.payload);
    }
    if (t.held.size === 0 && t.timer !== null) {
      t.timer();
      t.timer = null;
    }
  };

  const startSync = (t: Tracked): void => {
    t.timer?.();
    t.timer = null;
    t.syncing = true;
    deps.resync(t.view.roomId);
  };

  const offer = (event: ViewEvent, payload: unknown): void => {
    // From the wire: the server is trusted to send each event's payload (held to the protocol by its tests).
    const push = { event, payload } as ViewPush;
    const view = viewOf(push);
    const t = rooms.get(view.roomId);
    if (!t) {
      rooms.set(view.roomId, { view, held: new Map(), timer: null, syncing: false });
      deps.changed(view.roomId, view);
      return deps.deliver(event, payload);
    }
    const current = t.view;
    if (lineOf(view) !== lineOf(current)) {
      apply(t, view);
      deps.deliver(event, payload);
      return startSync(t);
    }
    if (view.version < current.version) return;
    if (view.version === current.version) {
      // The same version in another kind is a role change within the audience line (a hand raised or lowered).
      if (view.view === current.view) return;
      apply(t, view);
      return deps.deliver(event, payload);
    }
    if (view.version === current.version + 1 && !t.syncing) {
      apply(t, view);
      deps.deliver(event, payload);
      return drainHeld(t);
    }
    t.held.set(view.version, push);
    if (t.timer === null && !t.syncing) t.timer = startTimer(() => startSync(t), reorderMs);
  };

  /** An answer that carries the current view (`room:sync`, `room:join`, `room:open`): authoritative. */
  const synced = (view: RoomView): void => {
    const t = rooms.get(view.roomId);
    if (!t) {
      rooms.set(view.roomId, { view, held: new Map(), timer: null, syncing: false });
      return deps.changed(view.roomId, view);
    }
    t.syncing = false;
    if (lineOf(view) !== lineOf(t.view)) t.held.clear();
    if (lineOf(view) !== lineOf(t.view) || view.view !== t.view.view || view.version > t.view.version) apply(t, view);
    for (const version of [...t.held.keys()]) if (version <= t.view.version) t.held.delete(version);
    drainHeld(t);
    if (t.held.size > 0) startSync(t);
  };

  return {
    offer,
    synced,
    view: (roomId: string): RoomView | undefined => rooms.get(roomId)?.view,
    forget(roomId: string): void {
      const t = rooms.get(roomId);
      t?.timer?.();
      rooms.delete(roomId);
    },
    /** A sync that failed: stop waiting for it, so later pushes are applied again. */
    syncFailed(roomId: string): void {
      const t = rooms.get(roomId);
      if (t) t.syncing = false;
    },
  };
};
export type ViewTracker = ReturnType<typeof createViewTracker>;
