type ListenerSets<Events> = { [E in keyof Events]?: Set<(payload: Events[E]) => void> };

/** The app's listeners, by event: typed for the app, and fed by the wire, whose event names are plain strings. */
export const createListeners = <Events>() => {
  const sets: ListenerSets<Events> = {};

  const on = <E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): (() => void) => {
    const set = sets[event] ?? new Set<(payload: Events[E]) => void>();
    sets[event] = set;
    set.add(listener);
    return () => void set.delete(listener);
  };

  const emit = <E extends keyof Events>(event: E, payload: Events[E]): void => {
    // A copy: a listener that stops listening (as `next` does) must not skip the one after it.
    for (const fn of [...(sets[event] ?? [])]) fn(payload);
  };

  /**
   * What the server pushed, under the name it used. The client trusts the server for the shape of its pushes
   * (the server's side is held to the protocol's types by its contract tests), so this is where the wire's
   * untyped name and payload meet the app's types.
   */
  const emitFromWire = (event: string, payload: unknown): void =>
    emit(event as keyof Events, payload as Events[keyof Events]);

  return { on, emit, emitFromWire };
};
