import type { Fact } from './events.js';
import type { StreamStatus } from './types.js';

/** The callbacks that say something about one stream. */
export type StreamFact = Extract<Fact, { type: 'StreamPublished' | 'StreamStopped' | 'MixAvailable' }>;

export const isStreamFact = (fact: Fact): fact is StreamFact =>
  fact.type === 'StreamPublished' || fact.type === 'StreamStopped' || fact.type === 'MixAvailable';

/**
 * What is known of a stream after one more callback, by the rules a room applies to its own streams
 * (rules/stream-callbacks.ts, rules/mix.ts): callbacks older than the last applied are out of order; a (re)start
 * owes a new MixAvailable; MixAvailable proves the stream up. Kept for streams no room has yet, so a room
 * opened mid-stream starts from it.
 */
export const applyStreamFact = (known: StreamStatus | null, fact: StreamFact): StreamStatus => {
  const status: StreamStatus = known
    ? { ...known }
    : { stream: fact.stream, streaming: false, mixAvailable: false, since: 0 };
  switch (fact.type) {
    case 'MixAvailable':
      return { ...status, streaming: true, mixAvailable: true };
    case 'StreamPublished':
      if (fact.at < status.since) return status;
      return status.streaming
        ? { ...status, since: fact.at }
        : { ...status, streaming: true, mixAvailable: false, since: fact.at };
    case 'StreamStopped':
      if (fact.at < status.since || !status.streaming) return status;
      return { ...status, streaming: false, mixAvailable: false, since: fact.at };
  }
};
