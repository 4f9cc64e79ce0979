/**
 * Whether the store answers. A call that runs out of time (or a probe that fails, or a dropped connection) marks
 * it down, and from then on store calls fail at once instead of each waiting out its own deadline: a frozen
 * Redis would otherwise hold every queued command for a full deadline in turn. Only a probe that gets an answer
 * (and finds the store's data still there) marks it up again.
 */
export interface StoreHealth {
  responsive(): boolean;
  down(): void;
  up(): void;
}

export const createStoreHealth = (): StoreHealth => {
  let ok = true;
  return {
    responsive: () => ok,
    down: () => void (ok = false),
    up: () => void (ok = true),
  };
};
