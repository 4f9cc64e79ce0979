import type { Clock } from '../../app/ports.js';
import type { Logger } from '../../observability/logger.js';
import type { SecurityMetrics } from '../../observability/security-metrics.js';
import type { GateRefusal } from './command-gate.js';
import { ackFailure, badRequest } from './errors.js';
import type { Ack } from '../../protocol/events.js';
import { authRefreshPayload } from '../../protocol/payloads.js';
import type { TokenVerifier } from './token-verifier.js';
import type { LinkmicSocket } from './types.js';
import { ackOf } from './ack.js';

export interface AuthSessionDeps {
  verifier: TokenVerifier;
  clock: Clock;
  /** How long before expiry `auth:expiring` is sent (`AUTH_EXPIRY_WARNING_S`, in ms). */
  warningMs: number;
  logger: Logger;
  metrics?: SecurityMetrics;
}

/**
 * A connection lives as long as its token: warned `warningMs` before expiry (`auth:expiring`), renewed by
 * `auth:refresh` (same `sub`), and otherwise told `auth:expired` and disconnected at expiry. Commands that
 * slip in after expiry (before the timer fires, or under an injected clock) are refused by `refuse`.
 * @example
 *   io.on('connection', (socket) => session.attach(socket));
 *   const refused = session.refuse(socket); if (refused) return ack(refused);
 */
export interface AuthSession {
  attach(socket: LinkmicSocket): void;
  /** The `unauthorized` ack for a socket whose token has expired, else null. */
  refuse(socket: LinkmicSocket): GateRefusal | null;
}

/** setTimeout's ceiling (~24.8 days); a later moment is reached in several hops. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export const createAuthSession = ({ verifier, clock, warningMs, logger, metrics }: AuthSessionDeps): AuthSession => {
  const log = logger.child({ module: 'socket-session' });

  const attach = (socket: LinkmicSocket): void => {
    const timers: { warn?: NodeJS.Timeout; expire?: NodeJS.Timeout } = {};
    let refreshes = 0;

    /** Fires `fire` once the clock reaches `when`; re-arms if a timer woke early (or the clock is not the host's). */
    const schedule = (slot: 'warn' | 'expire', when: number, fire: () => void): void => {
      const delay = Math.min(Math.max(0, when - clock.now()), MAX_DELAY_MS);
      timers[slot] = setTimeout(() => (clock.now() < when ? schedule(slot, when, fire) : fire()), delay);
      timers[slot].unref();
    };
    const clear = (): void => {
      clearTimeout(timers.warn);
      clearTimeout(timers.expire);
    };
    const expire = (): void => {
      const at = socket.data.exp;
      log.info({ userId: socket.data.userId, sid: socket.id, at }, 'token expired: disconnecting');
      metrics?.refusals.inc({ surface: 'session', code: 'unauthorized', reason: 'token expired' });
      socket.emit('auth:expired', { at });
      socket.disconnect(true);
    };
    const arm = (): void => {
      clear();
      const at = socket.data.exp;
      schedule('warn', at - warningMs, () => socket.emit('auth:expiring', { at }));
      schedule('expire', at, expire);
    };

    const refresh = async (raw: unknown): Promise<Ack<{ at: number }>> => {
      const parsed = authRefreshPayload.safeParse(raw);
      if (!parsed.success) return badRequest('payload: expected { token: string }');
      const mine = ++refreshes;
      const result = await verifier.verify(parsed.data.token, clock.now());
      const { userId } = socket.data;
      if (!result.ok) {
        log.info({ userId, sid: socket.id, reason: result.reason }, 'auth:refresh refused');
        metrics?.refusals.inc({ surface: 'refresh', code: 'unauthorized', reason: result.reason });
        return ackFailure('unauthorized', result.reason);
      }
      if (result.token.userId !== userId) {
        log.info({ userId, sid: socket.id, other: result.token.userId }, 'auth:refresh refused: another user');
        metrics?.refusals.inc({ surface: 'refresh', code: 'forbidden', reason: 'another user' });
        return ackFailure('forbidden', 'the token is for another user');
      }
      // Two refreshes in flight: the one sent last decides, whichever verifies first.
      if (mine !== refreshes) return ackFailure('conflict', 'superseded by a later auth:refresh');
      socket.data.exp = result.token.exp;
      socket.data.grants = result.token.grants;
      arm();
      log.debug({ userId, sid: socket.id, at: result.token.exp }, 'token refreshed');
      return { ok: true, at: result.token.exp };
    };

    socket.on('auth:refresh', (...args: unknown[]) => {
      const reply = ackOf<Ack<{ at: number }>>(args);
      if (!reply) return void log.debug({ sid: socket.id }, 'ignore auth:refresh without ack');
      if (args.length !== 2) return reply(badRequest('expected one payload object and an ack'));
      refresh(args[0])
        .then(reply)
        .catch((err: unknown) => {
          log.error({ err, sid: socket.id }, 'auth:refresh failed');
          reply(ackFailure('internal', 'internal error'));
        });
    });
    socket.on('disconnect', clear);
    arm();
  };

  const refuse = (socket: LinkmicSocket): GateRefusal | null => {
    // `!(now < exp)`: a socket without a known expiry is refused too.
    if (clock.now() < socket.data.exp) return null;
    log.info({ userId: socket.data.userId, sid: socket.id }, 'command refused: token expired');
    metrics?.refusals.inc({ surface: 'command', code: 'unauthorized', reason: 'token expired' });
    return ackFailure('unauthorized', 'token expired');
  };

  return { attach, refuse };
};
