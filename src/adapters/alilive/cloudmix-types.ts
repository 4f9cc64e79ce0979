import type { RateLimit } from '../../app/rate-limiter.js';

/** One input of a cloud mix: a signed pull URL and its pane, in fractions (0..1) of the output canvas. */
export interface CloudMixInput {
  /** Pane number in the layout, 1-based (input 0, the anchor, is 1). */
  layoutChildId: number;
  /** The signed pull URL of the input stream (RTMP or FLV; ARTC/RTS inputs are not supported, alilive-current §2). */
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What one AliLive call came to, already retried for transient faults; never a throw. */
export type CallOutcome<T = Record<never, never>> =
  ({ ok: true; requestId: string } & T) | { ok: false; code: string; requestId: string | null; retryable: boolean };

/** A task as DescribeMixStreamList lists it. */
export interface CloudMixTask {
  taskId: string;
  app: string;
  /** The output stream's name. */
  stream: string;
  /** InputStreamNumber. */
  inputs: number;
}

/**
 * AliLive cloud mixing (CreateMixStream family, live 2016-11-01): one task per room that has co-hosts.
 * Every call first waits for the account's rate limit (shared by all nodes).
 * @example
 *   const made = await mixer.create({ layoutId: 'USERDEFINED', inputs, outputStream: 'm-room1', callbackUrl });
 *   if (made.ok) await mixer.update({ taskId: made.taskId, layoutId, inputs: more });
 */
export interface CloudMixClient {
  create(p: {
    layoutId: string;
    inputs: CloudMixInput[];
    outputStream: string;
    callbackUrl?: string;
  }): Promise<CallOutcome<{ taskId: string }>>;
  update(p: { taskId: string; layoutId: string; inputs: CloudMixInput[] }): Promise<CallOutcome>;
  /** DeleteMixStream. An unknown task answers `InvalidMixStreamId.NotFound` (simulator; the real code is undocumented, Q6). */
  remove(p: { taskId: string; outputStream: string }): Promise<CallOutcome>;
  /** Every task on the mix domain, all pages. */
  list(): Promise<CallOutcome<{ tasks: CloudMixTask[] }>>;
}

/**
 * Documented per-account limits: 10 calls per second (each of Create/Update/Delete), DescribeMixStreamList 5.
 * The window is 200 ms longer than a second: calls reach AliLive later than they leave, by varying amounts,
 * and a burst that left within one second must not arrive within AliLive's.
 */
export const CLOUDMIX_ACCOUNT_RATE: RateLimit = { limit: 10, windowMs: 1_200 };
export const CLOUDMIX_LIST_RATE: RateLimit = { limit: 5, windowMs: 1_200 };
/** A call that would wait longer than this for the account's rate limit is not made (`RateLimited`, retryable). */
export const CLOUDMIX_MAX_QUEUE_MS = 10_000;
/**
 * The wait a deployment allows for a slot: two call timeouts. Past that the account is overloaded, and failing
 * fast (the core backs off and retries) beats a call that starts long after it was decided.
 */
export const cloudmixQueueMs = (callTimeoutMs: number): number => Math.min(CLOUDMIX_MAX_QUEUE_MS, 2 * callTimeoutMs);
/** Concurrent tasks per account (raised only by a ticket). */
export const CLOUDMIX_MAX_TASKS = 10;
/** Inputs per task. */
export const CLOUDMIX_MAX_INPUTS = 8;
