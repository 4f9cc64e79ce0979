import { createHash } from 'node:crypto';
import type { RateLimiter } from '../../app/rate-limiter.js';
import type { Logger } from '../../observability/logger.js';
import {
  badInputs,
  badName,
  createParams,
  deleteParams,
  listParams,
  parseTaskPage,
  updateParams,
  type CloudMixSettings,
} from './cloudmix-params.js';
import { CLOUDMIX_MAX_QUEUE_MS, type CallOutcome, type CloudMixClient, type CloudMixTask } from './cloudmix-types.js';
import type { AliLiveFailure } from './errors.js';
import { createPopCaller, type PopObserver, type PopResult } from './pop-caller.js';
import { sleep as realSleep, type BackoffPolicy } from './retry.js';

export interface CloudMixClientDeps extends CloudMixSettings {
  endpoint: string | (() => string);
  accessKeyId: string;
  accessKeySecret: string;
  timeoutMs: number;
  retries: number;
  logger: Logger;
  /** The account's budget, CLOUDMIX_ACCOUNT_RATE (10 per second), shared by every node. */
  limiter: RateLimiter;
  /** DescribeMixStreamList's own budget, CLOUDMIX_LIST_RATE (5 per second); it also takes from `limiter`. */
  listLimiter: RateLimiter;
  /** The budget's name; one per AliLive account. @default derived from a hash of the AccessKeyId */
  limiterKey?: string;
  /** A call that would wait longer than this for its slot is not made: `RateLimited`, retryable. @default 10000 */
  maxQueueMs?: number;
  /** DescribeMixStreamList PageSize. @default 100 */
  pageSize?: number;
  sleep?: (ms: number) => Promise<void>;
  backoff?: Partial<BackoffPolicy>;
  throttledFloorMs?: number;
  /** Every attempt's action, duration and outcome (metrics, readiness). */
  observe?: PopObserver;
}

/** Pages DescribeMixStreamList reads at most: 100 × 100 tasks, far over the 10-task account limit. */
const MAX_PAGES = 100;
const LIST = 'DescribeMixStreamList';

type Failure = Extract<CallOutcome, { ok: false }>;
const failed = (r: Extract<PopResult<unknown>, { ok: false }>): Failure => ({
  ok: false,
  code: r.code,
  requestId: r.requestId,
  retryable: r.retryable,
});
const refused = (code: string): Failure => ({ ok: false, code, requestId: null, retryable: false });

/**
 * CloudMixClient over pop-core (POST, signed, retried by pop-caller). Before each attempt the call takes a
 * slot from the shared rate limiter and waits for it; when the limiter's store is away it calls anyway
 * (AliLive's own `Throttling` answer is still backed off), since mixing matters more than the budget.
 */
export const createCloudMixClient = (deps: CloudMixClientDeps): CloudMixClient => {
  const log = deps.logger.child({ module: 'alilive-cloudmix' });
  const sleep = deps.sleep ?? realSleep;
  const maxQueueMs = deps.maxQueueMs ?? CLOUDMIX_MAX_QUEUE_MS;
  const pageSize = deps.pageSize ?? 100;
  // Not the AccessKeyId itself: key names show up in monitoring.
  const account =
    deps.limiterKey ?? `alilive:${createHash('sha256').update(deps.accessKeyId).digest('hex').slice(0, 16)}`;

  const admit = async (action: string): Promise<AliLiveFailure | null> => {
    let waitMs: number;
    try {
      waitMs = await deps.limiter.take(account);
      if (action === LIST) waitMs = Math.max(waitMs, await deps.listLimiter.take(`${account}:list`));
    } catch (err) {
      log.warn({ action, cause: (err as Error).name }, 'rate limiter unavailable; calling without it');
      return null;
    }
    if (waitMs > maxQueueMs) return { code: 'RateLimited', requestId: null, status: null, retryable: true };
    if (waitMs > 0) {
      log.debug({ action, waitMs }, 'waiting for the account rate limit');
      await sleep(waitMs);
    }
    return null;
  };

  const pop = createPopCaller({
    endpoint: deps.endpoint,
    accessKeyId: deps.accessKeyId,
    accessKeySecret: deps.accessKeySecret,
    apiVersion: '2016-11-01',
    timeoutMs: deps.timeoutMs,
    retries: deps.retries,
    logger: log,
    admit,
    sleep,
    ...(deps.observe ? { observe: deps.observe } : {}),
    ...(deps.backoff ? { backoff: deps.backoff } : {}),
    ...(deps.throttledFloorMs !== undefined ? { throttledFloorMs: deps.throttledFloorMs } : {}),
  });

  /** A request that cannot be right is refused here, before it costs a call. */
  const check = (action: string, ...problems: (string | null)[]): Failure | null => {
    const problem = problems.find((p) => p !== null);
    if (!problem) return null;
    log.error({ action, problem }, 'cloud mix request refused before sending');
    return refused('InvalidInput');
  };

  const listAll = async (): Promise<CallOutcome<{ tasks: CloudMixTask[] }>> => {
    const tasks: CloudMixTask[] = [];
    let requestId = '';
    for (let pageNo = 1, seen = 0; pageNo <= MAX_PAGES; pageNo += 1) {
      const r = await pop.call<unknown>(LIST, listParams(deps, pageNo, pageSize));
      if (!r.ok) return failed(r);
      const page = parseTaskPage(r.body);
      if (!page) {
        log.error({ action: LIST, requestId: r.requestId }, 'DescribeMixStreamList answer is not the documented shape');
        return { ok: false, code: 'InvalidResponse', requestId: r.requestId, retryable: true };
      }
      if (page.skipped > 0)
        log.warn({ action: LIST, skipped: page.skipped, requestId: r.requestId }, 'mix tasks without an id skipped');
      requestId ||= r.requestId;
      tasks.push(...page.tasks);
      seen += page.tasks.length + page.skipped;
      if (page.tasks.length + page.skipped === 0 || seen >= page.total) break;
    }
    return { ok: true, requestId, tasks };
  };

  return {
    create: async (p) => {
      const bad = check(
        'CreateMixStream',
        badInputs(p.inputs),
        badName('outputStream', p.outputStream),
        p.layoutId ? null : 'layoutId is required',
      );
      if (bad) return bad;
      const r = await pop.call<{ MixStreamId?: unknown }>('CreateMixStream', createParams(deps, p));
      if (!r.ok) return failed(r);
      const taskId = r.body?.MixStreamId;
      if (typeof taskId === 'string' && taskId !== '') return { ok: true, requestId: r.requestId, taskId };
      // The task may exist without our knowing its id: reconciliation (list) finds it by its output stream.
      log.error(
        { action: 'CreateMixStream', requestId: r.requestId, outputStream: p.outputStream },
        'CreateMixStream answered without a MixStreamId',
      );
      return { ok: false, code: 'InvalidResponse', requestId: r.requestId, retryable: false };
    },
    update: async (p) => {
      const bad = check(
        'UpdateMixStream',
        badInputs(p.inputs),
        p.taskId ? null : 'taskId is required',
        p.layoutId ? null : 'layoutId is required',
      );
      if (bad) return bad;
      const r = await pop.call('UpdateMixStream', updateParams(deps, p));
      return r.ok ? { ok: true, requestId: r.requestId } : failed(r);
    },
    remove: async (p) => {
      const bad = check(
        'DeleteMixStream',
        p.taskId ? null : 'taskId is required',
        badName('outputStream', p.outputStream),
      );
      if (bad) return bad;
      const r = await pop.call('DeleteMixStream', deleteParams(deps, p));
      return r.ok ? { ok: true, requestId: r.requestId } : failed(r);
    },
    list: listAll,
  };
};
