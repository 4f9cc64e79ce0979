import { exponentialBackoff } from '../core/backoff.js';
import type { Effect } from '../core/effects.js';
import type { RoomInput } from '../core/events.js';
import type { RoomId } from '../core/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { observeCall, type RoomObserver } from './audit.js';
import { createKeyedQueue } from './keyed-queue.js';
import { pairKey } from './pair-key.js';
import type { MixClient, Notifier, SignedUrls, TaskCallOutcome, TaskMixer } from './ports.js';

/** Calls for one mix pair, or one room's mixing task (`task|<room>`: no stream is named `task`), run in order. */
const callKey = pairKey('|');

export interface EffectRunnerDeps {
  mixClient: MixClient;
  /** The task mixer, when ALILIVE_MIXER=cloudmix. */
  taskMixer?: TaskMixer | null;
  notifier: Notifier;
  urls: SignedUrls;
  logger: Logger;
  metrics: Metrics;
  /** Hears of every AliLive call made for a room: which, how it ended, how long it took (the audit trail). */
  observer?: RoomObserver;
  /** Feeds outcomes back into the core; retried by the runner, since a lost MixStopped would strand a session. */
  dispatch(roomId: RoomId, input: RoomInput): Promise<unknown>;
}

const FEEDBACK_ATTEMPTS = 6;
/** Pauses between feedback attempts: 200 ms doubling, so the last of them (the 5th) waits 3.2 s. */
const FEEDBACK_BACKOFF = { baseMs: 200, capMs: 3_200 };

/** Interprets effects through the ports after a commit. Decides nothing: every outcome goes back to the core. */
export const createEffectRunner = (deps: EffectRunnerDeps) => {
  const { mixClient, notifier, urls, logger, metrics } = deps;
  /** Every AliLive call of an effect goes through here, so the audit trail hears of each one. */
  const call = <T>(roomId: RoomId, action: string, detail: string, run: () => Promise<T>): Promise<T> =>
    observeCall(deps.observer, roomId, action, detail, run);
  const inFlight = new Set<Promise<void>>();
  // Calls for one pair go out in order, so a StopMix can never overtake the StartMix it answers.
  const perPair = createKeyedQueue();

  const track = (work: Promise<void>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const feedBack = async (roomId: RoomId, input: RoomInput): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.dispatch(roomId, input);
        return;
      } catch (err) {
        if (attempt >= FEEDBACK_ATTEMPTS) {
          logger.error({ err, roomId, input: input.type }, 'could not feed a result back; giving up');
          return;
        }
        await new Promise((r) => setTimeout(r, exponentialBackoff(attempt, FEEDBACK_BACKOFF)));
      }
    }
  };

  const startMix = async (e: Extract<Effect, { type: 'StartMix' }>): Promise<void> => {
    const outcome = await perPair(callKey.encode(e.main, e.mix), () =>
      call(e.roomId, 'StartMix', `main=${e.main} mix=${e.mix} gen=${e.gen}`, () => mixClient.startMix(e.main, e.mix)),
    );
    metrics.mixCalls.inc({ action: 'start', outcome: outcome.ok ? 'ok' : outcome.code });
    const pair = { main: e.main, mix: e.mix, gen: e.gen };
    await feedBack(
      e.roomId,
      outcome.ok
        ? { type: 'MixStarted', ...pair }
        : { type: 'MixStartFailed', ...pair, code: outcome.code, retryable: outcome.retryable },
    );
  };

  const stopMix = async (e: Extract<Effect, { type: 'StopMix' }>): Promise<void> => {
    const outcome = await perPair(callKey.encode(e.main, e.mix), () =>
      call(e.roomId, 'StopMix', `main=${e.main} mix=${e.mix} gen=${e.gen}`, () => mixClient.stopMix(e.main, e.mix)),
    );
    metrics.mixCalls.inc({ action: 'stop', outcome: outcome.ok ? 'ok' : outcome.code });
    if (!outcome.ok)
      logger.error({ roomId: e.roomId, code: outcome.code, requestId: outcome.requestId }, 'StopMix failed');
    await feedBack(e.roomId, { type: 'MixStopped', main: e.main, mix: e.mix, gen: e.gen });
  };

  const taskCall = async (e: Extract<Effect, { type: 'MixTaskCall' }>): Promise<void> => {
    const mixer = deps.taskMixer;
    if (!mixer) throw new Error('a mixing-task call without a task mixer');
    const detail = `output=${e.output} task=${e.taskId ?? '-'} overlays=${e.overlays.join(',')} gen=${e.gen}`;
    const outcome: TaskCallOutcome = await perPair(callKey.encode('task', e.roomId), () =>
      call(e.roomId, `MixTask:${e.op}`, detail, () => {
        if (e.op === 'create') return mixer.create({ output: e.output, main: e.main, overlays: e.overlays });
        if (e.taskId === null)
          return Promise.resolve({ ok: false as const, code: 'NoTask', retryable: false, gone: true });
        return e.op === 'update'
          ? mixer.update({ taskId: e.taskId, main: e.main, overlays: e.overlays })
          : mixer.remove({ taskId: e.taskId, output: e.output });
      }),
    );
    metrics.mixCalls.inc({ action: e.op, outcome: outcome.ok ? 'ok' : outcome.code });
    if (!outcome.ok) logger.warn({ roomId: e.roomId, op: e.op, code: outcome.code }, 'mixing-task call failed');
    await feedBack(e.roomId, { type: 'MixTaskAnswered', gen: e.gen, ...outcome });
  };

  const runOne = (e: Effect): void => {
    switch (e.type) {
      case 'Push':
        return notifier.push(e);
      case 'SendPushUrl':
        notifier.sendUrl(e.userId, 'cohost:accepted', { roomId: e.roomId, push: { url: urls.push(e.stream) } });
        return;
      case 'SendPullUrl':
        notifier.sendUrl(e.userId, 'stream:pull-low-latency', {
          roomId: e.roomId,
          userId: e.ofUserId,
          url: urls.lowLatency(e.stream),
        });
        return;
      case 'StartMix':
        return track(startMix(e));
      case 'StopMix':
        return track(stopMix(e));
      case 'MixTaskCall':
        return track(taskCall(e));
      case 'CheckStream':
        return track(
          call(e.roomId, 'CheckStream', `stream=${e.stream}`, () => mixClient.isStreamOnline(e.stream)).then((online) =>
            feedBack(e.roomId, { type: 'StreamChecked', stream: e.stream, online }),
          ),
        );
      case 'CutStream':
        return track(
          mixClient.forbidStream(e.stream).then((o) => {
            if (!o.ok) logger.warn({ stream: e.stream, code: o.code }, 'could not cut a kicked stream');
          }),
        );
      case 'Forward':
        return track(feedBack(e.roomId, e.input));
      case 'SetTimer':
      case 'ClearTimer':
        return; // applied atomically with the commit
      default:
        return e satisfies never;
    }
  };

  return {
    run(effects: Effect[]): void {
      for (const e of effects) {
        try {
          runOne(e);
        } catch (err) {
          logger.error({ err, effect: e.type }, 'effect failed');
        }
      }
    },
    /** Resolves once every call and feedback started so far has settled (shutdown, tests). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
};
export type EffectRunner = ReturnType<typeof createEffectRunner>;
