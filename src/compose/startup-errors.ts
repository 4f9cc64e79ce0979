import type { Config } from '../config/schema.js';

/** A failure at boot that the operator fixes by configuration: reported as one line naming the key. */
export class StartupError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

/**
 * The store did not answer at boot. Not a configuration mistake as such: Redis may simply start later (a
 * compose stack, a pod scheduled before its Redis), so `main` waits and retries instead of exiting.
 */
export class StoreUnreachableError extends StartupError {
  constructor(key: string, message: string) {
    super(key, message);
    this.name = 'StoreUnreachableError';
  }
}

/** The URL without user name and password, for messages; `(unparsable)` rather than risk echoing a secret. */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparsable)';
  }
};

const errno = (err: unknown): { code?: unknown; syscall?: unknown } => (err && typeof err === 'object' ? err : {});

/**
 * One line for a boot failure an operator can act on, or null for anything else (a bug keeps its stack).
 * Every line starts with `linkmic:` and ends by naming the config key to look at.
 */
export const startupErrorLine = (err: unknown, config: Pick<Config, 'PORT' | 'HOST'>): string | null => {
  if (err instanceof StartupError) return `linkmic: ${err.message}`;
  const { code, syscall } = errno(err);
  if (syscall !== 'listen') return null;
  if (code === 'EADDRINUSE') return `linkmic: port ${config.PORT} is in use (PORT)`;
  if (code === 'EACCES') return `linkmic: no permission to listen on port ${config.PORT} (PORT)`;
  if (code === 'EADDRNOTAVAIL') return `linkmic: ${config.HOST} is not an address of this machine (HOST)`;
  return null;
};
