import { performance } from 'node:perf_hooks';
import RPCClient from '@alicloud/pop-core';
import type { Logger } from '../../observability/logger.js';
import { classifyPopError, isRetryableCode, networkCause, type AliLiveFailure } from './errors.js';
import { backoffMs, sleep as realSleep, type BackoffPolicy } from './retry.js';
import { POP_BACKOFF, THROTTLED_FLOOR_MS } from './retry-budget.js';

export type PopResult<T> = { ok: true; requestId: string; body: T } | ({ ok: false } & AliLiveFailure);

export interface PopCallerDeps {
  /** A function when the endpoint is known only later (the embedded simulator's, once the node listens). */
  endpoint: string | (() => string);
  accessKeyId: string;
  accessKeySecret: string;
  apiVersion: string;
  timeoutMs: number;
  /** Attempts after the first, for transient failures only. */
  retries: number;
  logger: Logger;
  backoff?: Partial<BackoffPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** Told of every attempt: its action, how long it took, and `ok` or the failure code (metrics, readiness). */
  observe?: PopObserver;
  /**
   * Runs before every attempt, retries included: waits for the account's rate limit, or refuses the attempt
   * (the failure is returned as the call's outcome, not retried).
   */
  admit?: (action: string) => Promise<AliLiveFailure | null>;
  /**
   * A `Throttling` answer waits at least this long before the jittered backoff: AliLive counts calls per
   * second, so retrying sooner only meets the same limit. @default THROTTLED_FLOOR_MS
   */
  throttledFloorMs?: number;
}

export type PopObserver = (action: string, seconds: number, outcome: string) => void;

const THROTTLED = /^Throttling/;

type Entry = { response?: { statusCode?: number } };
// pop-core's d.ts omits the constructor's second argument: `verbose` makes request() resolve to
// [body, entry], the only way to see the HTTP status of a response whose body has no `Code`.
type VerboseClient = { request(action: string, params: object, opts: object): Promise<[unknown, Entry]> };
const VerboseRPCClient = RPCClient as unknown as new (config: RPCClient.Config, verbose: boolean) => VerboseClient;

/** One POP RPC action, signed by pop-core, sent as POST (so no signed URL ever sits in a query string). */
export const createPopCaller = (deps: PopCallerDeps) => {
  let client: VerboseClient | null = null;
  const rpc = (): VerboseClient =>
    (client ??= new VerboseRPCClient(
      {
        endpoint: typeof deps.endpoint === 'string' ? deps.endpoint : deps.endpoint(),
        apiVersion: deps.apiVersion,
        accessKeyId: deps.accessKeyId,
        accessKeySecret: deps.accessKeySecret,
      },
      true,
    ));
  const policy: BackoffPolicy = { ...POP_BACKOFF, ...deps.backoff };
  const sleep = deps.sleep ?? realSleep;
  const log = deps.logger;

  const once = async <T>(action: string, params: Record<string, string>): Promise<PopResult<T>> => {
    const started = performance.now();
    const r = await attempt<T>(action, params);
    try {
      deps.observe?.(action, (performance.now() - started) / 1000, r.ok ? 'ok' : r.code);
    } catch (err) {
      log.warn({ err, action }, 'alilive call observer failed');
    }
    return r;
  };

  const attempt = async <T>(action: string, params: Record<string, string>): Promise<PopResult<T>> => {
    try {
      const [body, entry] = await rpc().request(action, params, { method: 'POST', timeout: deps.timeoutMs });
      const status = entry.response?.statusCode ?? 200;
      const requestId = (body as { RequestId?: unknown } | null)?.RequestId;
      // pop-core resolves a 5xx whose body has no Code; that is no success.
      if (status >= 300) {
        const code = `Http${status}`;
        return {
          ok: false,
          code,
          requestId: typeof requestId === 'string' ? requestId : null,
          status,
          retryable: isRetryableCode(code, status),
        };
      }
      return { ok: true, requestId: typeof requestId === 'string' ? requestId : '', body: body as T };
    } catch (err) {
      const failure = classifyPopError(err);
      // Only these fields: err.message / err.url / err.entry carry the signed request.
      log.debug(
        { action, code: failure.code, requestId: failure.requestId, status: failure.status, cause: networkCause(err) },
        'alilive call failed',
      );
      return { ok: false, ...failure };
    }
  };

  const call = async <T>(action: string, params: Record<string, string>): Promise<PopResult<T>> => {
    for (let tries = 0; ; tries += 1) {
      const refused = deps.admit ? await deps.admit(action) : null;
      if (refused) {
        log.warn({ action, attempt: tries, code: refused.code }, 'alilive call not admitted');
        return { ok: false, ...refused };
      }
      const r = await once<T>(action, params);
      if (r.ok || !r.retryable || tries >= deps.retries) {
        if (!r.ok)
          log.warn(
            { action, attempt: tries, code: r.code, requestId: r.requestId, retryable: r.retryable },
            'alilive call gave up',
          );
        return r;
      }
      const delayMs =
        backoffMs(tries, policy) + (THROTTLED.test(r.code) ? (deps.throttledFloorMs ?? THROTTLED_FLOOR_MS) : 0);
      log.info({ action, attempt: tries, code: r.code, requestId: r.requestId, delayMs }, 'alilive call retried');
      await sleep(delayMs);
    }
  };

  return { call };
};

export type PopCaller = ReturnType<typeof createPopCaller>;
