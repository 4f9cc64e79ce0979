import { pino, type Logger } from 'pino';

export type { Logger };

/** Secrets and signed URLs never reach a log line (pop-core errors carry the signed URL in url/entry/message). */
const REDACT = [
  'token',
  'auth.token',
  'headers.authorization',
  'req.headers.authorization',
  'err.url',
  'err.entry',
  'accessKeySecret',
  'accessKeyId',
  '*.accessKeySecret',
  'url',
  '*.url',
];

export const createLogger = (level: string): Logger =>
  pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined });

/** For tests and tools that want no output. */
export const silentLogger: Logger = pino({ level: 'silent' });
