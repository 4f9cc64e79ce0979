import type { Clock } from '../../../app/ports.js';
import type { Logger } from '../../../observability/logger.js';
import { createMixPairs } from './mix-pairs.js';
import { MAIN_STREAM_NOT_READY, type MixRequest } from './mix-result.js';

export { MAIN_STREAM_NOT_READY, type MixRequest } from './mix-result.js';

export type CallbackKind = 'stream' | 'mixAvailable' | 'mixResult';

export interface LiveWorldDeps {
  pushDomain: string;
  appName: string;
  /** `Domain` of MixAvailable callbacks (the domain the mix APIs are called with). */
  mixDomain: string;
  mixAvailableDelayMs: number;
  mixResultDelayMs: number;
  clock: Clock;
  emit: (kind: CallbackKind, params: Record<string, string>) => void;
  /** Told after a stream starts or stops pushing (cloud mixing follows its anchor input). */
  onPushChange?: (stream: string) => void;
  logger: Logger;
}

interface Stream {
  pushing: boolean;
  mixAvailable: boolean;
  /** Rises with every push start/stop, so a MixAvailable queued for an earlier push is dropped. */
  epoch: number;
}

/** The simulated AliLive: streams being pushed, MixAvailable per push, registered mixes and their results. */
export const createLiveWorld = (deps: LiveWorldDeps) => {
  const streams = new Map<string, Stream>();
  const forbidden = new Map<string, number | null>();
  const timers = new Set<NodeJS.Timeout>();
  const log = deps.logger;

  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
    return t;
  };
  const mixes = createMixPairs({
    appName: deps.appName,
    mixDomain: deps.mixDomain,
    mixResultDelayMs: deps.mixResultDelayMs,
    emitResult: (params) => deps.emit('mixResult', params),
    later,
    cancel: (t) => (clearTimeout(t), timers.delete(t)),
  });
  const streamOf = (name: string): Stream => {
    let s = streams.get(name);
    if (!s) streams.set(name, (s = { pushing: false, mixAvailable: false, epoch: 0 }));
    return s;
  };
  const nowS = (): string => String(Math.floor(deps.clock.now() / 1000));

  const streamCallback = (action: 'publish' | 'publish_done', name: string, usrargs: string): void =>
    deps.emit('stream', {
      action,
      app: deps.pushDomain,
      appname: deps.appName,
      id: name,
      ip: '127.0.0.1',
      node: 'sim-node-1',
      time: nowS(),
      usrargs,
    });

  const isForbidden = (name: string): boolean => {
    if (!forbidden.has(name)) return false;
    const until = forbidden.get(name) ?? null;
    if (until !== null && deps.clock.now() >= until) return (forbidden.delete(name), false);
    return true;
  };

  const pushStream = (name: string, usrargs = ''): 'ok' | 'already' | 'forbidden' => {
    if (isForbidden(name)) return 'forbidden';
    const s = streamOf(name);
    if (s.pushing) return 'already';
    s.pushing = true;
    const epoch = (s.epoch += 1);
    streamCallback('publish', name, usrargs);
    later(deps.mixAvailableDelayMs, () => {
      if (s.epoch !== epoch) return;
      s.mixAvailable = true;
      deps.emit('mixAvailable', { Domain: deps.mixDomain, App: deps.appName, Stream: name, Event: 'MixAvailable' });
    });
    mixes.pushStarted(name);
    deps.onPushChange?.(name);
    log.debug({ stream: name }, 'sim: push started');
    return 'ok';
  };

  const stopStream = (name: string): boolean => {
    const s = streams.get(name);
    if (!s?.pushing) return false;
    s.pushing = false;
    s.mixAvailable = false;
    s.epoch += 1;
    // Co-host stream names are per session: forget stopped ones, or a long-running server only grows.
    streams.delete(name);
    streamCallback('publish_done', name, '');
    mixes.pushStopped(name);
    deps.onPushChange?.(name);
    log.debug({ stream: name }, 'sim: push stopped');
    return true;
  };

  type StartResult = { ok: true } | { ok: false; code: string; message: string };
  const startMix = (req: MixRequest): StartResult => {
    const main = streams.get(req.main);
    if (req.mainApp !== deps.appName || !main?.pushing || !main.mixAvailable) {
      return {
        ok: false,
        code: MAIN_STREAM_NOT_READY,
        message: 'The main stream does not exist or is not available for mixing.',
      };
    }
    mixes.arm(req, req.mixApp === deps.appName && (streams.get(req.mix)?.pushing ?? false));
    return { ok: true };
  };

  /** Cuts the push; unless `oneshot`, the stream stays refused until `resumeAt` (ms; null = for good). */
  const forbid = (name: string, resumeAt: number | null, oneshot: boolean): void => {
    if (!oneshot) forbidden.set(name, resumeAt);
    stopStream(name);
  };

  const state = () => ({
    streams: [...new Set([...streams.keys(), ...forbidden.keys()])].map((name) => {
      const s = streams.get(name);
      return {
        name,
        pushing: s?.pushing ?? false,
        mixAvailable: s?.mixAvailable ?? false,
        forbidden: isForbidden(name),
      };
    }),
    mixes: mixes.state(),
  });

  const online = (): string[] => [...streams].filter(([, s]) => s.pushing).map(([name]) => name);
  const isPushing = (name: string): boolean => streams.get(name)?.pushing ?? false;

  const close = (): void => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    mixes.closed();
  };

  return {
    pushStream,
    stopStream,
    startMix,
    stopMix: mixes.stop,
    forbid,
    injectMixResult: mixes.inject,
    state,
    online,
    isPushing,
    close,
  };
};

export type LiveWorld = ReturnType<typeof createLiveWorld>;
export type WorldState = ReturnType<LiveWorld['state']>;
