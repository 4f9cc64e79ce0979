import { pairKey } from '../../../app/pair-key.js';
import { resultParams, type MixRequest, type Pair } from './mix-result.js';

export interface MixPairsDeps {
  appName: string;
  /** `MixDomain` of a result injected for a pair nobody registered. */
  mixDomain: string;
  mixResultDelayMs: number;
  /** Sends a MixResult callback with these query parameters. */
  emitResult(params: Record<string, string>): void;
  /** The world's timers: `later` runs `fn` after `ms` unless `cancel`led (the world clears them all on close). */
  later(ms: number, fn: () => void): NodeJS.Timeout;
  cancel(timer: NodeJS.Timeout): void;
}

/** A registered pair's key: its main and its mix stream. */
const pairOf = pairKey('|');

/**
 * The mixes StartMix registered, and the MixResult each one is due: a pair's result waits for its co-host stream,
 * follows the streams starting and stopping, and is replaced by a newer one (only the last word is sent).
 */
export const createMixPairs = (deps: MixPairsDeps) => {
  const pairs = new Map<string, Pair>();
  const pendingResult = new Map<string, NodeJS.Timeout>();

  const dropResult = (key: string): void => {
    const queued = pendingResult.get(key);
    if (!queued) return;
    deps.cancel(queued);
    pendingResult.delete(key);
  };

  /** Replaces any result still queued for the pair; dropped if the pair is stopped or re-armed first. */
  const scheduleResult = (p: Pair, code: string): void => {
    const key = pairOf.encode(p.main, p.mix);
    dropResult(key);
    const t = deps.later(deps.mixResultDelayMs, () => {
      pendingResult.delete(key);
      if (pairs.get(key) !== p) return;
      p.lastCode = code;
      deps.emitResult(resultParams(p, code));
    });
    pendingResult.set(key, t);
  };

  return {
    /** Registers (or re-arms) a pair; AliLive waits for a missing co-host stream and mixes a present one shortly. */
    arm(req: MixRequest, mixPushing: boolean): void {
      const key = pairOf.encode(req.main, req.mix);
      dropResult(key);
      const p: Pair = { ...req, broken: false, lastCode: null };
      pairs.set(key, p);
      if (mixPushing) scheduleResult(p, 'Success');
    },

    /** Changes the picture at once and never produces a MixResult; unknown pairs succeed too. */
    stop(main: string, mix: string): boolean {
      const key = pairOf.encode(main, mix);
      dropResult(key);
      return pairs.delete(key);
    },

    /** The co-host is back: every armed mix waiting for it takes effect. */
    pushStarted(name: string): void {
      for (const p of pairs.values()) if (p.mix === name && !p.broken) scheduleResult(p, 'Success');
    },

    /** A main stream that stops breaks its pairs for good (until re-armed); a co-host's only waits. */
    pushStopped(name: string): void {
      for (const p of pairs.values()) {
        if (p.broken) continue;
        if (p.main === name) {
          p.broken = true;
          scheduleResult(p, 'MainStreamNotExist');
        } else if (p.mix === name) scheduleResult(p, 'MixStreamNotExist');
      }
    },

    /** A test hook: any code, at once, whether or not the pair is registered (to exercise stale handling). */
    inject(main: string, mix: string, code: string): boolean {
      const p = pairs.get(pairOf.encode(main, mix));
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
      deps.emitResult(resultParams(base, code));
      return p !== undefined;
    },

    state: () =>
      [...pairs.values()].map((p) => ({
        main: p.main,
        mix: p.mix,
        template: p.template,
        type: p.type,
        broken: p.broken,
        lastCode: p.lastCode,
      })),

    /** The world cleared every timer: forget the queued results they were. */
    closed(): void {
      pendingResult.clear();
    },
  };
};
