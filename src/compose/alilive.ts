import { randomBytes } from 'node:crypto';
import type { Clock, SignedUrls, TaskMixer } from '../app/ports.js';
import type { RateLimit, RateLimiter } from '../app/rate-limiter.js';
import { createCloudMixClient } from '../adapters/alilive/cloudmix-client.js';
import { CLOUDMIX_ACCOUNT_RATE, CLOUDMIX_LIST_RATE, cloudmixQueueMs } from '../adapters/alilive/cloudmix-types.js';
import { createTaskMixer } from '../adapters/alilive/task-mixer.js';
import { tokenCallbackPath } from '../adapters/http/callbacks.js';
import { createMixClient, type AliLiveMixClient } from '../adapters/alilive/mix-client.js';
import { withLegacyDiagnosis } from '../adapters/alilive/legacy-diagnosis.js';
import { createAliLiveReadiness, outcomeClass, type AliLiveReadiness } from '../adapters/alilive/readiness.js';
import { createSimulator, type Simulator } from '../adapters/alilive/simulator/index.js';
import { createUrlSigner } from '../adapters/alilive/url-signer.js';
import { mixCallWorstCaseMs } from '../adapters/alilive/retry-budget.js';
import { configWarnings } from '../config/production-rules.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export interface BuiltAliLive {
  mixClient: AliLiveMixClient & { diagnosis(): string | null };
  urls: SignedUrls;
  /** The embedded AliLive, in simulator mode. */
  simulator: Simulator | null;
  /** For /readyz: whether AliLive answers with our keys accepted (see readiness.ts). */
  readiness: AliLiveReadiness;
  /** The cloud mixer (ALILIVE_MIXER=cloudmix), else null. */
  taskMixer: TaskMixer | null;
  /** The longest a mix call (pairs or task) can take with all its retries: what the core's deadline covers. */
  mixCallWorstCaseMs: number;
}

/** The readiness probe asks about a stream no room can have (room streams are `a-…` and `c<n>-…`). */
export const READINESS_PROBE_STREAM = 'linkmic-readiness-probe';

/**
 * The AliLive side of a node. `selfUrl` is where this node answers once it listens: the embedded simulator
 * calls back there and serves its POP endpoint there, so both are resolved at the first call, not now.
 */
export const buildAliLive = (
  config: Config,
  deps: {
    selfUrl: () => string;
    clock: Clock;
    logger: Logger;
    metrics?: Pick<Metrics, 'aliliveCallSeconds' | 'legacyUnsupported'>;
    /** The account's call budgets, shared by every node (the store's). */
    rateLimiter: (limit: RateLimit) => RateLimiter;
    /** Simulator mode with several nodes: the POP keys they all share (`simulator/shared.ts`); else throw-away ones. */
    simulatorKeys?: SimulatorKeys;
  },
): BuiltAliLive => {
  const { clock, logger, selfUrl, metrics } = deps;
  const simulator =
    config.ALILIVE_MODE === 'simulator' ? embeddedSimulator(config, selfUrl, clock, logger, deps.simulatorKeys) : null;
  for (const warning of configWarnings(config)) logger.warn({ module: 'config' }, warning);
  const readiness = createAliLiveReadiness({
    assumeReady: simulator !== null,
    probe: () => mixClient.isStreamOnline(READINESS_PROBE_STREAM),
    clock,
  });
  const pop = {
    endpoint: simulator ? () => `${selfUrl()}/_sim/pop` : config.ALILIVE_ENDPOINT,
    accessKeyId: simulator?.accessKeyId ?? config.ALILIVE_ACCESS_KEY_ID!,
    accessKeySecret: simulator?.accessKeySecret ?? config.ALILIVE_ACCESS_KEY_SECRET!,
  };
  // One policy for the clients and for the budget derived from it, so the two cannot drift apart.
  const retry = { timeoutMs: config.ALILIVE_CALL_TIMEOUT_MS, retries: config.ALILIVE_CALL_RETRIES };
  const cloudmix = config.ALILIVE_MIXER === 'cloudmix';
  const queueMs = cloudmixQueueMs(retry.timeoutMs);
  const observe = (action: string, seconds: number, outcome: string): void => {
    readiness.observe(outcome);
    metrics?.aliliveCallSeconds.observe({ action, outcome: outcomeClass(outcome) }, seconds);
  };
  const mixClient = withLegacyDiagnosis(
    createMixClient({
      ...pop,
      mixDomain: config.ALILIVE_MIX_DOMAIN,
      appName: config.ALILIVE_APP_NAME,
      template: config.ALILIVE_MIX_TEMPLATE,
      ...retry,
      logger,
      clock,
      // ForbidLiveStream acts on the ingest domain; the block lapses once the kicked co-host's URL has.
      forbidDomain: config.ALILIVE_PUSH_DOMAIN,
      forbidResumeAfterS: config.ALILIVE_URL_TTL_S,
      observe,
    }),
    { logger, legacyUnsupported: metrics?.legacyUnsupported },
  );
  readiness.start();
  const urls = createUrlSigner({
    pushDomain: config.ALILIVE_PUSH_DOMAIN,
    playDomain: config.ALILIVE_PLAY_DOMAIN,
    appName: config.ALILIVE_APP_NAME,
    pushKey: config.ALILIVE_PUSH_AUTH_KEY,
    playKey: config.ALILIVE_PLAY_AUTH_KEY,
    ttlS: config.ALILIVE_URL_TTL_S,
    clock,
  });
  const taskMixer = cloudmix
    ? createTaskMixer({
        client: createCloudMixClient({
          ...pop,
          domain: config.ALILIVE_MIX_DOMAIN,
          appName: config.ALILIVE_APP_NAME,
          region: config.ALILIVE_REGION,
          template: config.ALILIVE_CLOUDMIX_TEMPLATE,
          expireS: config.ALILIVE_CLOUDMIX_EXPIRE_S,
          ...retry,
          logger,
          limiter: deps.rateLimiter(CLOUDMIX_ACCOUNT_RATE),
          maxQueueMs: queueMs,
          listLimiter: deps.rateLimiter(CLOUDMIX_LIST_RATE),
          observe,
        }),
        urls,
        style: config.ALILIVE_MIX_LAYOUT,
        appName: config.ALILIVE_APP_NAME,
        callbackUrl: (output) => taskCallbackUrl(config, selfUrl, output),
      })
    : null;
  return {
    mixClient,
    urls,
    simulator: simulator?.sim ?? null,
    readiness,
    taskMixer,
    mixCallWorstCaseMs: mixCallWorstCaseMs({ ...retry, cloudmix }),
  };
};

/**
 * Where AliLive POSTs a task's events: this deployment's public URL (the node's own with the simulator), the
 * token as a path segment (senders may append `?…`), and the output stream the events are about.
 */
const taskCallbackUrl = (config: Config, selfUrl: () => string, output: string): string => {
  const base = config.PUBLIC_URL?.replace(/\/$/, '') ?? selfUrl();
  const path = config.CALLBACK_TOKEN
    ? tokenCallbackPath(config.CALLBACK_TOKEN, 'mix-task')
    : '/callbacks/alilive/mix-task';
  return `${base}${path}?stream=${encodeURIComponent(output)}`;
};

export interface SimulatorKeys {
  accessKeyId: string;
  accessKeySecret: string;
}

/** The embedded AliLive with throw-away keys: nothing to configure, nothing secret to leak. */
const embeddedSimulator = (
  config: Config,
  selfUrl: () => string,
  clock: Clock,
  logger: Logger,
  keys?: SimulatorKeys,
) => {
  const accessKeyId = keys?.accessKeyId ?? `sim${randomBytes(8).toString('hex')}`;
  const accessKeySecret = keys?.accessKeySecret ?? randomBytes(24).toString('base64url');
  const route = (name: string) => `${config.PUBLIC_URL?.replace(/\/$/, '') ?? selfUrl()}/callbacks/alilive/${name}`;
  const sim = createSimulator({
    accessKeyId,
    accessKeySecret,
    pushDomain: config.ALILIVE_PUSH_DOMAIN,
    appName: config.ALILIVE_APP_NAME,
    mixDomain: config.ALILIVE_MIX_DOMAIN,
    callbackUrls: {
      get stream() {
        return route('stream');
      },
      get mixAvailable() {
        return route('mix-available');
      },
      get mixResult() {
        return route('mix-result');
      },
    },
    callbackToken: config.CALLBACK_TOKEN,
    callbackAuthKey: config.ALILIVE_CALLBACK_AUTH_KEY,
    mixAvailableDelayMs: config.SIMULATOR_MIX_AVAILABLE_DELAY_MS,
    mixResultDelayMs: config.SIMULATOR_MIX_RESULT_DELAY_MS,
    logger,
    clock,
  });
  return { sim, accessKeyId, accessKeySecret };
};
