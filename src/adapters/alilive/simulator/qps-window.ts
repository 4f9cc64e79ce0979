export interface QpsLimit {
  key: string;
  /** Calls allowed in any window. */
  limit: number;
}

/**
 * AliLive's per-account flow control as the simulator enforces it: at most `limit` admitted calls per key in
 * any sliding window. A refused call is not counted. Bounded memory: each key keeps at most `limit` stamps.
 */
export const createQpsWindow = (windowMs = 1_000) => {
  const stamps = new Map<string, number[]>();
  const recent = (key: string, now: number): number[] => {
    const kept = (stamps.get(key) ?? []).filter((t) => t > now - windowMs);
    stamps.set(key, kept);
    return kept;
  };
  return {
    /** True (and counted under every key) when every key has room; false (and counted nowhere) otherwise. */
    admit(limits: readonly QpsLimit[], now: number): boolean {
      if (limits.some(({ key, limit }) => recent(key, now).length >= limit)) return false;
      for (const { key } of limits) stamps.get(key)!.push(now);
      return true;
    },
  };
};
