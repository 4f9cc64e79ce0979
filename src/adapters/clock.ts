import type { Clock } from '../app/ports.js';

/** The only place in src/ that reads the wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
