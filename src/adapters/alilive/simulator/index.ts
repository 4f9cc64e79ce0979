import express, { type Router } from 'express';
import type { Clock } from '../../../app/ports.js';
import { systemClock } from '../../clock.js';
import type { Logger } from '../../../observability/logger.js';
import { createCallbackSender, streamCallbackHeaders } from './callback-sender.js';
import type { MixTaskEvent } from './cloudmix-task.js';
import { createCloudMixWorld } from './cloudmix-world.js';
import { createControlRoutes } from './control-routes.js';
import { createLiveWorld, type CallbackKind, type WorldState } from './live-world.js';
import { createPopEndpoint, type PopCall } from './pop-endpoint.js';

export { MAIN_STREAM_NOT_READY } from './live-world.js';
export type { CallbackKind, MixTaskEvent, PopCall, WorldState };

export interface SimulatorOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** Ingest domain: `app` of stream callbacks and the domain their signature covers. */
  pushDomain: string;
  appName: string;
  /** `Domain` of MixAvailable callbacks. Default: pushDomain. */
  mixDomain?: string | undefined;
  /** When set, DomainName parameters outside this list fail with `InvalidDomain.NotFound`. */
  domains?: readonly string[] | undefined;
  /** linkmic's callback routes; a kind without a URL is recorded but not sent. */
  callbackUrls: Partial<Record<CallbackKind, string>>;
  callbackToken?: string | undefined;
  /** Signs stream-status callbacks (ALI-LIVE-TIMESTAMP / ALI-LIVE-SIGNATURE) when set. */
  callbackAuthKey?: string | undefined;
  mixAvailableDelayMs: number;
  mixResultDelayMs: number;
  /** Pause between callback attempts (AliLive: 1000). */
  callbackRetryMs?: number;
  /** False: the legacy StartMixStreamsService / StopMixStreamsService answer `InvalidAction.NotFound`. @default true */
  legacyMix?: boolean;
  /** Concurrent cloud-mix tasks (AliLive: 10 per account). @default 10 */
  maxMixTasks?: number;
  /** Calls per second to the four cloud-mix actions together. @default 10 */
  cloudmixQps?: number;
  /** DescribeMixStreamList calls per second. @default 5 */
  cloudmixListQps?: number;
  /** From CreateMixStream (with its anchor input pushing) to the output's publish callback. @default 300 */
  mixOutputDelayMs?: number;
  logger: Logger;
  clock?: Clock;
}

/** A mixing-task callback as the simulator produced it. */
export interface SentTaskCallback {
  url: string;
  body: MixTaskEvent;
}

/** A callback as the simulator produced it (before delivery). */
export interface SentCallback {
  kind: CallbackKind;
  params: Record<string, string>;
}

const MAX_LOG = 10_000;

/**
 * The embedded AliLive. Mount `router` at a base path (the server uses `/_sim`):
 * `GET|POST <base>/pop/` POP endpoint, `POST <base>/streams/:stream/publish|unpublish`,
 * `POST <base>/mix/inject` `{main, mix, code}`, `GET <base>/state` (streams, legacy mixes, cloud-mix tasks).
 */
export const createSimulator = (opts: SimulatorOptions) => {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger.child({ module: 'alilive-sim' });
  const sender = createCallbackSender({ token: opts.callbackToken, retryMs: opts.callbackRetryMs ?? 1000, logger });
  const callbacks: SentCallback[] = [];
  const taskCallbacks: SentTaskCallback[] = [];
  const inFlight = new Set<Promise<boolean>>();
  const track = (delivery: Promise<boolean>): void => {
    inFlight.add(delivery);
    void delivery.finally(() => inFlight.delete(delivery));
  };
  const keep = <T>(log: T[], item: T): void => {
    log.push(item);
    if (log.length > MAX_LOG) log.shift();
  };

  /** `signDomain`: the domain the stream callback's signature covers (mixed outputs: their own domain). */
  const emit = (kind: CallbackKind, params: Record<string, string>, signDomain = opts.pushDomain): void => {
    keep(callbacks, { kind, params });
    const url = opts.callbackUrls[kind];
    if (!url) return;
    const headers =
      kind === 'stream' && opts.callbackAuthKey
        ? streamCallbackHeaders(signDomain, Math.floor(clock.now() / 1000), opts.callbackAuthKey)
        : {};
    track(sender.send(url, params, headers));
  };

  const cloudmix = createCloudMixWorld({
    appName: opts.appName,
    isPushing: (stream) => world.isPushing(stream),
    maxTasks: opts.maxMixTasks ?? 10,
    outputDelayMs: opts.mixOutputDelayMs ?? 300,
    clock,
    // A mixed output is ingested by the live centre on its task's domain, so that is the callback's `app`
    // and the domain its signature covers (issue 10 §5: callbacks signed over the play domain).
    streamEvent: (action, out) =>
      emit(
        'stream',
        {
          action,
          app: out.domain,
          appname: out.app,
          id: out.stream,
          ip: '127.0.0.1',
          node: 'sim-mixer-1',
          time: String(Math.floor(clock.now() / 1000)),
          usrargs: '',
        },
        out.domain,
      ),
    taskEvent: (url, body) => {
      keep(taskCallbacks, { url, body });
      track(sender.post(url, body));
    },
    logger,
  });

  const world = createLiveWorld({
    pushDomain: opts.pushDomain,
    appName: opts.appName,
    mixDomain: opts.mixDomain ?? opts.pushDomain,
    mixAvailableDelayMs: opts.mixAvailableDelayMs,
    mixResultDelayMs: opts.mixResultDelayMs,
    clock,
    emit,
    onPushChange: (stream) => cloudmix.onPush(stream),
    logger,
  });
  const pop = createPopEndpoint({
    keys: { [opts.accessKeyId]: opts.accessKeySecret },
    world,
    appName: opts.appName,
    domains: opts.domains,
    cloudmix,
    legacyMix: opts.legacyMix ?? true,
    cloudmixQps: opts.cloudmixQps ?? 10,
    cloudmixListQps: opts.cloudmixListQps ?? 5,
    // pop-core stamps Timestamp from the wall clock whatever clock the server runs on, and so does AliLive
    // check it: an injected test clock here would refuse every call as expired.
    clock: systemClock,
    logger,
  });

  const router: Router = express.Router();
  router.use('/pop', pop.router);
  const state = () => ({ ...world.state(), mixTasks: cloudmix.state() });
  router.use(createControlRoutes(world, state));

  return {
    router,
    pushStream: (name: string, usrargs?: string) => world.pushStream(name, usrargs),
    stopStream: (name: string) => world.stopStream(name),
    injectMixResult: (main: string, mix: string, code: string) => world.injectMixResult(main, mix, code),
    failNextCalls: pop.failNextCalls,
    stallNextCalls: pop.stallNextCalls,
    state,
    /** POP calls received, oldest first (bounded). */
    calls: pop.calls,
    /** Callbacks produced, oldest first (bounded). */
    callbacks: callbacks as readonly SentCallback[],
    /** Mixing-task callbacks (POST JSON to CallbackConfig.CallbackUrl), oldest first (bounded). */
    taskCallbacks: taskCallbacks as readonly SentTaskCallback[],
    /** Resolves once every callback delivery begun so far has ended. */
    idle: async (): Promise<void> => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: (): void => {
      world.close();
      cloudmix.close();
      pop.close();
      sender.close();
    },
  };
};

export type Simulator = ReturnType<typeof createSimulator>;
