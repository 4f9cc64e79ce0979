import type { Clock } from '../../app/ports.js';

/** Outcome codes that mean AliLive could not be reached, as opposed to AliLive answering no. */
const UNREACHABLE = /^(NetworkError|RequestTimeout|InvalidResponse|Http5\d\d|ServiceUnavailable)$/;
/** AliLive answered, and refuses our keys: every call of this node would fail the same way. */
const CREDENTIALS_REFUSED = /^(InvalidAccessKeyId|SignatureDoesNotMatch)/;

/** How a call ended, for metrics and readiness: `ok`, `refused` (AliLive answered no) or `unreachable`. */
export type CallOutcomeClass = 'ok' | 'refused' | 'unreachable';
export const outcomeClass = (outcome: string): CallOutcomeClass =>
  outcome === 'ok' ? 'ok' : UNREACHABLE.test(outcome) ? 'unreachable' : 'refused';

/** `unknown` until the first answer; `up` once AliLive answered with our keys accepted. */
export type AliLiveState = 'unknown' | 'up' | 'unreachable' | 'credentials-refused';

export interface AliLiveReadinessDeps {
  /** Ready from the start: the embedded simulator is this very process. */
  assumeReady: boolean;
  /** One cheap call whose outcome reaches `observe` (an online check of a stream that cannot exist). */
  probe(): Promise<unknown>;
  clock: Clock;
  /** While not ready, at most one probe per this many ms: readiness checks come often, the POP API is metered. */
  reprobeMs?: number;
  /** How long a readiness check waits for a probe in flight before answering with what it knows. */
  waitMs?: number;
}

export interface AliLiveReadiness {
  /** Every POP attempt's outcome (`ok` or its code): the mix client's own answers keep readiness current. */
  observe(outcome: string): void;
  state(): AliLiveState;
  /** Sends the first probe (unless already ready). */
  start(): void;
  /** For /readyz: true once AliLive answered with our keys accepted, and until a call can no longer reach it. */
  ready(): Promise<boolean>;
}

/**
 * Readiness of the AliLive side. In cloud mode nothing is assumed: a node with fake keys or no route to
 * AliLive stays not ready, so a rollout with a broken AliLive configuration halts instead of taking traffic.
 * One probe at start, the mix client's answers afterwards, and a new probe (rate-limited) only while not ready,
 * since a node nobody routes to makes no calls of its own that could prove it ready again.
 */
export const createAliLiveReadiness = (deps: AliLiveReadinessDeps): AliLiveReadiness => {
  const reprobeMs = deps.reprobeMs ?? 15_000;
  const waitMs = deps.waitMs ?? 1_000;
  let state: AliLiveState = deps.assumeReady ? 'up' : 'unknown';
  let probing: Promise<void> | null = null;
  let lastProbeAt = Number.NEGATIVE_INFINITY;
  const current = (): AliLiveState => state;

  const probe = (): Promise<void> => {
    if (probing) return probing;
    lastProbeAt = deps.clock.now();
    const done = (): void => {
      probing = null;
    };
    probing = deps.probe().then(done, done);
    return probing;
  };

  return {
    observe(outcome) {
      if (outcome === 'ok') state = 'up';
      else if (UNREACHABLE.test(outcome)) state = 'unreachable';
      else state = CREDENTIALS_REFUSED.test(outcome) ? 'credentials-refused' : 'up';
    },
    state: current,
    start() {
      if (state !== 'up') void probe();
    },
    async ready() {
      if (current() === 'up') return true;
      if (!probing && deps.clock.now() - lastProbeAt >= reprobeMs) void probe();
      if (probing) await within(probing, waitMs);
      return current() === 'up';
    },
  };
};

const within = async (p: Promise<void>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([p, timeout]);
  clearTimeout(timer);
};
