import type { Logger } from '../../../observability/logger.js';
import { md5hex } from '../../digest.js';

/** The stream-status callback auth headers: md5hex(`<ingest domain>|<ts>|<key>`) (facts §3). */
export const streamCallbackHeaders = (domain: string, ts: number, key: string): Record<string, string> => ({
  'ALI-LIVE-TIMESTAMP': String(ts),
  'ALI-LIVE-SIGNATURE': md5hex(`${domain}|${ts}|${key}`),
});

export interface CallbackSenderDeps {
  /** Added as `token=<token>` to every callback query (PROTOCOL: CALLBACK_TOKEN). */
  token?: string | undefined;
  /** Pause between attempts (AliLive: 1 s). */
  retryMs: number;
  /** Attempts after the first (AliLive: 5). */
  maxRetries?: number;
  /** Per attempt (AliLive: 5 s). */
  timeoutMs?: number;
  logger: Logger;
}

export interface CallbackSender {
  /** GET `url?params`; true once a receiver answered 200, false when every attempt failed or on close. */
  send(url: string, params: Readonly<Record<string, string>>, headers?: Record<string, string>): Promise<boolean>;
  /** POST `body` as JSON to `url` exactly as given (no token added: the URL is the caller's own), same retries. */
  post(url: string, body: unknown): Promise<boolean>;
  /** Abandons retries and requests in flight. */
  close(): void;
}

// encodeURIComponent, not URLSearchParams: AliLive's own encoding of spaces is %20, never '+'.
const withQuery = (url: string, params: Readonly<Record<string, string>>): string => {
  const query = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
};

export const createCallbackSender = (deps: CallbackSenderDeps): CallbackSender => {
  const maxRetries = deps.maxRetries ?? 5;
  const timeoutMs = deps.timeoutMs ?? 5000;
  const log = deps.logger;
  const aborts = new Set<AbortController>();
  let closed = false;

  /** One attempt; the abort controller also ends the pause after a failure, so close() never waits. */
  const attempt = async (target: string, init: RequestInit, ctl: AbortController): Promise<number> => {
    const signal = AbortSignal.any([ctl.signal, AbortSignal.timeout(timeoutMs)]);
    const res = await fetch(target, { ...init, signal });
    await res.arrayBuffer();
    return res.status;
  };
  const pause = (ms: number, ctl: AbortController): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      ctl.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });

  const send: CallbackSender['send'] = (url, params, headers = {}) =>
    deliver(url, withQuery(url, deps.token ? { ...params, token: deps.token } : params), { method: 'GET', headers });

  const post: CallbackSender['post'] = (url, body) =>
    deliver(url, url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const deliver = async (url: string, target: string, init: RequestInit): Promise<boolean> => {
    // The path only: the query carries the token.
    const path = URL.canParse(url) ? new URL(url).pathname : null;
    if (path === null) return (log.warn('callback URL is not a URL'), false);
    const ctl = new AbortController();
    aborts.add(ctl);
    try {
      for (let n = 0; n <= maxRetries && !closed; n += 1) {
        if (n > 0) await pause(deps.retryMs, ctl);
        if (closed) break;
        try {
          const status = await attempt(target, init, ctl);
          if (status === 200) return true;
          log.debug({ path, status, attempt: n }, 'callback not accepted');
        } catch (err) {
          log.debug({ path, cause: err instanceof Error ? err.name : typeof err, attempt: n }, 'callback failed');
        }
      }
      if (!closed) log.warn({ path, attempts: maxRetries + 1 }, 'callback given up');
      return false;
    } finally {
      aborts.delete(ctl);
    }
  };

  return {
    send,
    post,
    close: () => {
      closed = true;
      for (const ctl of aborts) ctl.abort();
      aborts.clear();
    },
  };
};
