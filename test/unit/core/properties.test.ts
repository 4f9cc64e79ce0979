import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { A, policy as basePolicy } from '../../support/core.js';
import { action, type Action } from './property-actions.js';
import { B_STREAM, ROOM, Run } from './property-run.js';

/**
 * Random interleavings of commands, AliLive callbacks, answers to our own mix calls and timer firings,
 * checked after every step against the rules of the seed and PROTOCOL (see `Run` for the properties).
 * `FC_NUM_RUNS` / `FC_SEED` override the CI budget (`npm run test:props` runs a long search); a failure
 * prints the seed and the shrunk path, and the last inputs of the failing run.
 */
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 2_000);
const SEED = process.env.FC_SEED === undefined ? 0x11c_b0a7 : Number(process.env.FC_SEED);
const MAX_STEPS = 60;
const actions = fc.array(action, { minLength: 1, maxLength: MAX_STEPS, size: 'max' });

const play = (maxCohosts: number, steps: { a: Action; wait: number }[]): Run => {
  const run = new Run({ ...basePolicy, maxCohosts });
  try {
    run.step({ type: 'OpenRoom', roomId: ROOM, userId: A });
    for (const { a, wait } of steps) {
      run.now += wait;
      const inputs = run.resolve(a);
      for (const input of inputs === null ? [] : Array.isArray(inputs) ? inputs : [inputs]) run.step(input);
    }
    run.finish();
  } catch (error) {
    (error as Error).message += `\n  trail:\n    ${run.trail.slice(-12).join('\n    ')}`;
    throw error;
  }
  return run;
};

describe('properties of the co-host state machine', () => {
  it(
    `hold over random interleavings (${NUM_RUNS} runs, seed ${SEED})`,
    () => {
      fc.assert(
        fc.property(fc.constantFrom(1, 2), actions, (maxCohosts, steps) => {
          play(maxCohosts, steps);
        }),
        { numRuns: NUM_RUNS, seed: SEED },
      );
    },
    Math.max(60_000, NUM_RUNS * 20),
  );

  it('the generator reaches the interesting states (live mixes, anchor-to-anchor, retries, degraded, reopen)', () => {
    const seen = new Map<string, number>();
    const count = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
    fc.assert(
      fc.property(fc.constantFrom(1, 2), actions, (maxCohosts, steps) => {
        const run = play(maxCohosts, steps);
        const changed = (type: string, extra = '') =>
          run.trail.some((l) => l.startsWith(`{"type":"${type}"`) && l.includes(extra) && l.endsWith('→ changed'));
        if (changed('AcceptCohost')) count('accepted');
        if (changed('MixResult', '"Success"')) count('live');
        if (changed('MixResult', '"MixStreamNotExist"')) count('degraded');
        if (changed('MixResult', '"MainStreamNotExist"')) count('main-lost');
        if (changed('TimerFired', 'MIX_RETRY')) count('retry');
        if (changed('TimerFired', 'STREAM_LOST')) count('stream-lost');
        if (changed('MixStopped')) count('stopped');
        if (run.startMixes.some((s) => s.main === B_STREAM)) count('a2a');
        if (run.trail.filter((l) => l.startsWith('{"type":"OpenRoom"') && l.endsWith('→ changed')).length > 1)
          count('reopen');
      }),
      { numRuns: 300, seed: SEED },
    );
    if (process.env.FC_STATS) console.log(Object.fromEntries(seen));
    for (const what of [
      'accepted',
      'live',
      'degraded',
      'main-lost',
      'retry',
      'stream-lost',
      'stopped',
      'a2a',
      'reopen',
    ]) {
      expect(seen.get(what) ?? 0, what).toBeGreaterThan(2);
    }
  });
});
