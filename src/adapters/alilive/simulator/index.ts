import express, { type Router } from 'express';
import type { Clock } from '../../../app/ports.js';
import { systemClock } from '../../clock.js';
import type { Logger } from '../../../observability/logger.js';
import { createCallbackSender, streamCallbackHeaders } from './callback-sender.js';
import { createControlRoutes } from './control-routes.js';
import { createLiveWorld, type CallbackKind, type WorldState } from './live-world.js';
import { createPopEndpoint, type PopCall } from './pop-endpoint.js';

export { MAIN_STREAM_NOT_READY } from './live-world.js';
export type { CallbackKind, PopCall, WorldState };

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
  logger: Logger;
  clock?: Clock;
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
 * `POST <base>/mix/inject` `{main, mix, code}`, `GET <base>/state`.
 */
export const createSimulator = (opts: SimulatorOptions) => {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger.child({ module: 'alilive-sim' });
  const sender = createCallbackSender({ token: opts.callbackToken, retryMs: opts.callbackRetryMs ?? 1000, logger });
  const callbacks: SentCallback[] = [];
  const inFlight = new Set<Promise<boolean>>();

  const emit = (kind: CallbackKind, params: Record<string, string>): void => {
    callbacks.push({ kind, params });
    if (callbacks.length > MAX_LOG) callbacks.shift();
    const url = opts.callbackUrls[kind];
    if (!url) return;
    const headers =
      kind === 'stream' && opts.callbackAuthKey
        ? streamCallbackHeaders(opts.pushDomain, Math.floor(clock.now() / 1000), opts.callbackAuthKey)
        : {};
    const delivery = sender.send(url, params, headers);
    inFlight.add(delivery);
    void delivery.finally(() => inFlight.delete(delivery));
  };

  const world = createLiveWorld({
    pushDomain: opts.pushDomain,
    appName: opts.appName,
    mixDomain: opts.mixDomain ?? opts.pushDomain,
    mixAvailableDelayMs: opts.mixAvailableDelayMs,
    mixResultDelayMs: opts.mixResultDelayMs,
    clock,
    emit,
    logger,
  });
  const pop = createPopEndpoint({
    keys: { [opts.accessKeyId]: opts.accessKeySecret },
    world,
    appName: opts.appName,
    domains: opts.domains,
    // pop-core stamps Timestamp from the wall clock whatever clock the server runs on, and so does AliLive
    // check it: an injected test clock here would refuse every call as expired.
    clock: systemClock,
    logger,
  });

  const router: Router = express.Router();
  router.use('/pop', pop.router);
  router.use(createControlRoutes(world));

  return {
    router,
    pushStream: (name: string, usrargs?: string) => world.pushStream(name, usrargs),
    stopStream: (name: string) => world.stopStream(name),
    injectMixResult: (main: string, mix: string, code: string) => world.injectMixResult(main, mix, code),
    failNextCalls: pop.failNextCalls,
    stallNextCalls: pop.stallNextCalls,
    state: (): WorldState => world.state(),
    /** POP calls received, oldest first (bounded). */
    calls: pop.calls,
    /** Callbacks produced, oldest first (bounded). */
    callbacks: callbacks as readonly SentCallback[],
    /** Resolves once every callback delivery begun so far has ended. */
    idle: async (): Promise<void> => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: (): void => {
      world.close();
      pop.close();
      sender.close();
    },
  };
};

export type Simulator = ReturnType<typeof createSimulator>;
