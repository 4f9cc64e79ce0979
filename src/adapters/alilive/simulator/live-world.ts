import type { Clock } from '../../../app/ports.js';
import type { Logger } from '../../../observability/logger.js';
import { MAIN_STREAM_NOT_READY, resultParams, type MixRequest, type Pair } from './mix-result.js';

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

const keyOf = (main: string, mix: string): string => `${main}\u0000${mix}`;

/** The simulated AliLive: streams being pushed, MixAvailable per push, registered mixes and their results. */
export const createLiveWorld = (deps: LiveWorldDeps) => {
  const streams = new Map<string, Stream>();
  const pairs = new Map<string, Pair>();
  const forbidden = new Map<string, number | null>();
  const timers = new Set<NodeJS.Timeout>();
  const pendingResult = new Map<string, NodeJS.Timeout>();
  const log = deps.logger;

  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
    return t;
  };
  const streamOf = (name: string): Stream => {
    let s = streams.get(name);
    if (!s) streams.set(name, (s = { pushing: false, mixAvailable: false, epoch: 0 }));
    return s;
  };
  const nowS = (): string => String(Math.floor(deps.clock.now() / 1000));

  /** Replaces any result still queued for the pair; dropped if the pair is stopped or re-armed first. */
  const scheduleResult = (p: Pair, code: string): void => {
    const key = keyOf(p.main, p.mix);
    const queued = pendingResult.get(key);
    if (queued) {
      clearTimeout(queued);
      timers.delete(queued);
    }
    const t = later(deps.mixResultDelayMs, () => {
      pendingResult.delete(key);
      if (pairs.get(key) !== p) return;
      p.lastCode = code;
      deps.emit('mixResult', resultParams(p, code));
    });
    pendingResult.set(key, t);
  };
  const dropResult = (key: string): void => {
    const queued = pendingResult.get(key);
    if (queued) {
      clearTimeout(queued);
      timers.delete(queued);
      pendingResult.delete(key);
    }
  };

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
    const until = forbidden.get(name)!;
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
    // The co-host is back: every armed mix waiting for it takes effect.
    for (const p of pairs.values()) if (p.mix === name && !p.broken) scheduleResult(p, 'Success');
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
    for (const p of pairs.values()) {
      if (p.broken) continue;
      if (p.main === name) {
        p.broken = true;
        scheduleResult(p, 'MainStreamNotExist');
      } else if (p.mix === name) scheduleResult(p, 'MixStreamNotExist');
    }
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
    const key = keyOf(req.main, req.mix);
    dropResult(key);
    const p: Pair = { ...req, broken: false, lastCode: null };
    pairs.set(key, p);
    // AliLive waits for a missing co-host stream; a present one is mixed shortly.
    if (req.mixApp === deps.appName && streams.get(req.mix)?.pushing) scheduleResult(p, 'Success');
    return { ok: true };
  };

  /** Changes the picture at once and never produces a MixResult; unknown pairs succeed too. */
  const stopMix = (main: string, mix: string): boolean => {
    const key = keyOf(main, mix);
    dropResult(key);
    return pairs.delete(key);
  };

  /** Cuts the push; unless `oneshot`, the stream stays refused until `resumeAt` (ms; null = for good). */
  const forbid = (name: string, resumeAt: number | null, oneshot: boolean): void => {
    if (!oneshot) forbidden.set(name, resumeAt);
    stopStream(name);
  };

  /** A test hook: any code, at once, whether or not the pair is registered (to exercise stale handling). */
  const injectMixResult = (main: string, mix: string, code: string): boolean => {
    const p = pairs.get(keyOf(main, mix));
    const base: Pair = p ?? {
      mainDomain: deps.mixDomain,
      mainApp: deps.appName,
      main,
      mixDomain: deps.mixDomain,
      mixApp: deps.appName,
      mix,
      type: 'channel',
      template: 'picture_in_picture',
      broken: false,
      lastCode: null,
    };
    if (p) p.lastCode = code;
    deps.emit('mixResult', resultParams(base, code));
    return p !== undefined;
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
    mixes: [...pairs.values()].map((p) => ({
      main: p.main,
      mix: p.mix,
      template: p.template,
      type: p.type,
      broken: p.broken,
      lastCode: p.lastCode,
    })),
  });

  const online = (): string[] => [...streams].filter(([, s]) => s.pushing).map(([name]) => name);
  const isPushing = (name: string): boolean => streams.get(name)?.pushing ?? false;

  const close = (): void => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    pendingResult.clear();
  };

  return { pushStream, stopStream, startMix, stopMix, forbid, injectMixResult, state, online, isPushing, close };
};

export type LiveWorld = ReturnType<typeof createLiveWorld>;
export type WorldState = ReturnType<LiveWorld['state']>;
