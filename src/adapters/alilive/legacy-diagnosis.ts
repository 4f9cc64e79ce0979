import type { MixClient, StartMixOutcome } from '../../app/ports.js';
import type { Logger } from '../../observability/logger.js';

/**
 * How the POP gateway says an action does not exist: `InvalidAction.NotFound` ("Specified api is not found,
 * please check your url and method.", HTTP 404), or `InvalidApi.NotFound` from older gateways. pop-core
 * surfaces it as `err.code`. `InvalidStream.NotFound` and the like are about parameters, not the action.
 */
export const ACTION_NOT_FOUND = /^(InvalidAction|InvalidApi)(\.NotFound)?$/;

export interface LegacyDiagnosisOptions {
  /** Where the diagnosis is said, once, at error level. */
  logger?: Logger;
  /** The `linkmic_alilive_legacy_unsupported` gauge: 1 while the legacy mixing API is known to be gone. */
  legacyUnsupported?: { set(value: number): void };
}

export const legacyDiagnosis = (action: string, code: string): string =>
  `AliLive answered ${action} with ${code}: the legacy mixing API (StartMixStreamsService, removed from ` +
  `Alibaba's OpenAPI in 2020) is not served to this account, so no co-host can be mixed; ` +
  `set ALILIVE_MIXER=cloudmix to mix with CreateMixStream`;

/**
 * Watches the legacy mix calls: when AliLive says StartMixStreamsService / StopMixStreamsService does not
 * exist, `diagnosis()` names the way out (also logged once and set on the gauge), and the outcome is made
 * non-retryable, since retrying cannot succeed. A later successful mix call clears it.
 */
export const withLegacyDiagnosis = <C extends MixClient>(
  client: C,
  opts: LegacyDiagnosisOptions = {},
): C & { diagnosis(): string | null } => {
  let diagnosis: string | null = null;
  const watch = async (action: string, call: Promise<StartMixOutcome>): Promise<StartMixOutcome> => {
    const outcome = await call;
    if (outcome.ok) {
      if (diagnosis !== null) opts.logger?.info({ action }, 'AliLive serves the legacy mixing API again');
      diagnosis = null;
      opts.legacyUnsupported?.set(0);
      return outcome;
    }
    if (!ACTION_NOT_FOUND.test(outcome.code)) return outcome;
    if (diagnosis === null) {
      diagnosis = legacyDiagnosis(action, outcome.code);
      opts.logger?.error(
        { action, code: outcome.code, requestId: outcome.requestId, fix: 'ALILIVE_MIXER=cloudmix' },
        diagnosis,
      );
      opts.legacyUnsupported?.set(1);
    }
    return { ...outcome, retryable: false };
  };
  return Object.assign(Object.create(client) as C, {
    startMix: (main: string, mix: string) => watch('StartMixStreamsService', client.startMix(main, mix)),
    stopMix: (main: string, mix: string) => watch('StopMixStreamsService', client.stopMix(main, mix)),
    diagnosis: () => diagnosis,
  });
};
