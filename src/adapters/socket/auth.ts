import { SignJWT } from 'jose';
import type { Clock } from '../../app/ports.js';
import type { Logger } from '../../observability/logger.js';
import type { SecurityMetrics } from '../../observability/security-metrics.js';
import { isValidId } from '../../core/names.js';
import type { Grants } from '../../protocol/grants.js';
import type { TokenVerifier } from './token-verifier.js';
import type { LinkmicSocket } from './types.js';

export type { AuthFailure } from './token-verifier.js';

export interface AuthDeps {
  verifier: TokenVerifier;
  /** `exp` is judged against this clock, not the host's. */
  clock: Clock;
  logger: Logger;
  metrics?: SecurityMetrics;
}

/**
 * `io.use()` middleware: the handshake's `auth.token` must be a valid app token (see `token-verifier.ts`).
 * Its claims land in `socket.data` (`userId`, `exp`, `grants`). A refusal reaches the client as
 * `connect_error` with message `unauthorized: <reason>`.
 * @example
 *   io.use(createAuthMiddleware({ verifier, clock, logger }));
 *   // client: io(url, { auth: { token } }).on('connect_error', (e) => e.message === 'unauthorized: token expired')
 */
export const createAuthMiddleware = ({ verifier, clock, logger, metrics }: AuthDeps) => {
  const log = logger.child({ module: 'socket-auth' });
  return (socket: LinkmicSocket, next: (err?: Error) => void): void => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null && 'token' in auth ? auth.token : undefined;
    verifier
      .verify(token, clock.now())
      .then((result) => {
        if (!result.ok) {
          log.info({ sid: socket.id, address: socket.handshake.address, reason: result.reason }, 'handshake refused');
          metrics?.refusals.inc({ surface: 'handshake', code: 'unauthorized', reason: result.reason });
          return next(new Error(`unauthorized: ${result.reason}`));
        }
        const { userId, exp, grants } = result.token;
        socket.data.userId = userId;
        socket.data.exp = exp;
        socket.data.grants = grants;
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
  grants?: Grants | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
}

/**
 * Mints an HS256 app token (admin API `POST /api/tokens`, dev tooling, tests).
 * @example
 *   const token = await signToken({ secret, userId: 'u1', ttlS: 3600, now: clock.now(), grants: { anchor: ['r1'], cohost: true, pair: false } });
 */
export const signToken = async ({
  secret,
  userId,
  ttlS,
  now,
  grants,
  issuer,
  audience,
}: SignTokenInput): Promise<string> => {
  if (!isValidId(userId)) throw new TypeError('userId must be 1-64 characters of [A-Za-z0-9_-]');
  const iat = Math.floor(now / 1000);
  const jwt = new SignJWT(grants ? { grants } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlS);
  if (issuer !== undefined) jwt.setIssuer(issuer);
  if (audience !== undefined) jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(secret));
};
