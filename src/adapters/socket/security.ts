import type { Clock, RoomDispatcher } from '../../app/ports.js';
import type { Logger } from '../../observability/logger.js';
import type { SecurityMetrics } from '../../observability/security-metrics.js';
import type { AdmissionClient } from '../../protocol/admission.js';
import { createCommandGate, type CommandGate } from './command-gate.js';
import { createAuthSession, type AuthSession } from './session.js';
import type { TokenVerifier } from './token-verifier.js';

/** What the gateway asks before it runs a command: is the token still good, and may this user do this? */
export interface SocketSecurity {
  session: AuthSession;
  gate: CommandGate;
}

export interface SocketSecurityDeps {
  verifier: TokenVerifier;
  dispatcher: Pick<RoomDispatcher, 'load'>;
  admission: AdmissionClient | null;
  clock: Clock;
  /** `AUTH_EXPIRY_WARNING_S`, in ms. */
  expiryWarningMs: number;
  logger: Logger;
  metrics?: SecurityMetrics;
}

export const createSocketSecurity = (deps: SocketSecurityDeps): SocketSecurity => {
  const { verifier, clock, logger, metrics } = deps;
  return {
    session: createAuthSession({
      verifier,
      clock,
      warningMs: deps.expiryWarningMs,
      logger,
      ...(metrics ? { metrics } : {}),
    }),
    gate: createCommandGate({
      dispatcher: deps.dispatcher,
      admission: deps.admission,
      logger,
      ...(metrics ? { metrics } : {}),
    }),
  };
};
