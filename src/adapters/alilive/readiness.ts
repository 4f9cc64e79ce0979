import type { MixClient, StartMixOutcome } from '../../app/ports.js';

/** Outcome codes that mean AliLive could not be reached, as opposed to AliLive answering no. */
const UNREACHABLE = /^(NetworkError|RequestTimeout|InvalidResponse|Http5\d\d|ServiceUnavailable)$/;

/**
 * Wraps a MixClient to tell /readyz whether AliLive answers: ready until a call fails to reach it,
 * and again after the next call that does. No probe traffic of its own (the POP API is metered).
 */
export const withReadiness = <C extends MixClient>(client: C): C & { reachable(): boolean } => {
  let reachable = true;
  const note = async (call: Promise<StartMixOutcome>): Promise<StartMixOutcome> => {
    const outcome = await call;
    reachable = outcome.ok || !UNREACHABLE.test(outcome.code);
    return outcome;
  };
  return Object.assign(Object.create(client) as C, {
    startMix: (main: string, mix: string) => note(client.startMix(main, mix)),
    stopMix: (main: string, mix: string) => note(client.stopMix(main, mix)),
    forbidStream: (stream: string) => note(client.forbidStream(stream)),
    reachable: () => reachable,
  });
};
