import { SignJWT, errors, jwtVerify } from 'jose';
import type { Clock } from '../../app/ports.js';
import type { Logger } from '../../observability/logger.js';
import { isValidId } from '../../core/streams.js';
import type { LinkmicSocket } from './types.js';

export type AuthFailure = 'missing token' | 'token expired' | 'invalid token' | 'invalid subject';

export interface AuthDeps {
  /** The HS256 secret (`AUTH_JWT_SECRET`). */
  secret: string;
  /** `exp` is judged against this clock, not the host's. */
  clock: Clock;
  logger: Logger;
}

const keyOf = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** Pinned, so a token cannot pick its own algorithm (`none`, or RS256 with our secret as a "public key"). */
const ALGORITHMS = ['HS256'];

/** Resolves the token's user id, or why it is refused. */
const verify = async (token: unknown, key: Uint8Array, now: number): Promise<{ userId: string } | AuthFailure> => {
  if (typeof token !== 'string' || token.length === 0) return 'missing token';
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ALGORITHMS, currentDate: new Date(now) });
    return isValidId(payload.sub) ? { userId: payload.sub } : 'invalid subject';
  } catch (err) {
    return err instanceof errors.JWTExpired ? 'token expired' : 'invalid token';
  }
};

/**
 * `io.use()` middleware: the handshake's `auth.token` must be an HS256 JWT whose `sub` is a valid user id.
 * A refusal reaches the client as `connect_error` with message `unauthorized: <reason>`.
 * @example
 *   io.use(createAuthMiddleware({ secret, clock, logger }));
 *   // client: io(url, { auth: { token } }).on('connect_error', (e) => e.message === 'unauthorized: token expired')
 */
export const createAuthMiddleware = ({ secret, clock, logger }: AuthDeps) => {
  const key = keyOf(secret);
  const log = logger.child({ mod: 'socket-auth' });
  return (socket: LinkmicSocket, next: (err?: Error) => void): void => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    verify(token, key, clock.now())
      .then((result) => {
        if (typeof result === 'string') {
          log.debug({ sid: socket.id, reason: result }, 'handshake refused');
          return next(new Error(`unauthorized: ${result}`));
        }
        socket.data.userId = result.userId;
        socket.data.rooms = [];
        socket.data.anchorOf = [];
        next();
      })
      // verify() never rejects; this only guards a throwing next() from becoming an unhandled rejection.
      .catch((err: unknown) => log.error({ err }, 'auth middleware failed'));
  };
};

export interface SignTokenInput {
  secret: string;
  userId: string;
  /** Lifetime in seconds. */
  ttlS: number;
  /** Milliseconds since the epoch (a `Clock` reading). */
  now: number;
}

/**
 * Mints an app token (admin API `POST /api/tokens`, dev tooling, tests).
 * @example
 *   const token = await signToken({ secret, userId: 'u1', ttlS: 3600, now: clock.now() });
 */
export const signToken = async ({ secret, userId, ttlS, now }: SignTokenInput): Promise<string> => {
  if (!isValidId(userId)) throw new TypeError('userId must be 1-64 characters of [A-Za-z0-9_-]');
  const iat = Math.floor(now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlS)
    .sign(keyOf(secret));
};
