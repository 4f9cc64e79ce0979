/** A failed AliLive call, reduced to what is safe to keep and log (never the signed URL or the raw error). */
export interface AliLiveFailure {
  code: string;
  requestId: string | null;
  /** HTTP status when one was received. */
  status: number | null;
  retryable: boolean;
}

// Caller mistakes, and actions AliLive does not serve: repeating the call cannot help.
const NEVER_RETRY = [
  /^InvalidParameter/,
  /^Missing/,
  /^SignatureDoesNotMatch$/,
  /^InvalidAccessKeyId/,
  /^Forbidden/,
  /^InvalidAction/,
  /^InvalidApi/,
];
// Transient on AliLive's side.
const RETRY = [/^Throttling/, /^ServiceUnavailable/, /^InternalError/];

export const isRetryableCode = (code: string, status: number | null): boolean => {
  if (NEVER_RETRY.some((re) => re.test(code))) return false;
  if (RETRY.some((re) => re.test(code))) return true;
  return status !== null && status >= 500;
};

type Loose = { name?: unknown; code?: unknown; data?: unknown; entry?: unknown };
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Maps what `@alicloud/pop-core` rejects with:
 * - an AliLive error body (`err.code`, `err.data.RequestId`, `err.entry.response.statusCode`);
 * - `RequestTimeoutError` (connect or read timeout, no code);
 * - a JSON parse failure of a non-JSON body (json-bigint throws a plain `{ name: 'SyntaxError' }`);
 * - socket errors (`ECONNREFUSED`, `ECONNRESET`, …).
 */
export const classifyPopError = (err: unknown): AliLiveFailure => {
  const e = (err && typeof err === 'object' ? err : {}) as Loose;
  const name = str(e.name) ?? '';
  const code = str(e.code);
  if (code && e.data && typeof e.data === 'object') {
    const data = e.data as { RequestId?: unknown };
    const entry = e.entry as { response?: { statusCode?: unknown } } | undefined;
    const status = typeof entry?.response?.statusCode === 'number' ? entry.response.statusCode : null;
    return { code, requestId: str(data.RequestId), status, retryable: isRetryableCode(code, status) };
  }
  if (name === 'RequestTimeoutError') return { code: 'RequestTimeout', requestId: null, status: null, retryable: true };
  if (name === 'SyntaxError') return { code: 'InvalidResponse', requestId: null, status: null, retryable: true };
  if (code && /^E[A-Z]+$/.test(code)) return { code: 'NetworkError', requestId: null, status: null, retryable: true };
  if (code?.startsWith('UND_ERR') || name.endsWith('HttpXError')) {
    return { code: 'NetworkError', requestId: null, status: null, retryable: true };
  }
  return { code: 'UnknownError', requestId: null, status: null, retryable: false };
};

/** The errno of a socket error, for logs (safe: no URL). */
export const networkCause = (err: unknown): string | undefined => {
  const code = (err as Loose | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
};
