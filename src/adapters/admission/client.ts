import { z } from 'zod';
import type { Clock } from '../../app/ports.js';
import type { Logger } from '../../observability/logger.js';
import type { SecurityMetrics } from '../../observability/security-metrics.js';
import type {
  AdmissionAction,
  AdmissionClient,
  AdmissionDecision,
  AdmissionOutcome,
  AdmissionRequest,
} from '../../protocol/admission.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signAdmission } from './signature.js';

export type { AdmissionAction, AdmissionClient, AdmissionDecision, AdmissionOutcome, AdmissionRequest };

export interface AdmissionClientDeps {
  url: string;
  key: string;
  timeoutMs: number;
  defaultDecision: 'allow' | 'deny';
  clock: Clock;
  logger: Logger;
  metrics?: SecurityMetrics;
}

/** A reason reaches apps as an error message: printable, bounded. */
const answer = z.object({
  allow: z.boolean(),
  reason: z
    .string()
    .optional()
    .transform((r) => r?.replace(/\p{Cc}/gu, ' ').slice(0, 200)),
});

const MAX_ANSWER_BYTES = 4096;

class AdmissionFailure extends Error {
  constructor(
    readonly outcome: 'timeout' | 'error' | 'default',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The business admission webhook: POSTs a signed `AdmissionRequest` and honours `{ allow, reason? }`
 * within `timeoutMs`; any failure applies `defaultDecision`. Every call is counted by action and outcome.
 * @example
 *   const admission = createAdmissionClient({ url, key, timeoutMs: 1000, defaultDecision: 'deny', clock, logger });
 *   const { allow, reason } = await admission.decide({ action: 'room:open', roomId: 'r1', userId: 'u1', anchorUserId: 'u1', counts });
 */
export const createAdmissionClient = (deps: AdmissionClientDeps): AdmissionClient => {
  const log = deps.logger.child({ module: 'admission' });

  const ask = async (request: AdmissionRequest): Promise<{ allow: boolean; reason?: string | undefined }> => {
    const body = JSON.stringify(request);
    const ts = Math.floor(deps.clock.now() / 1000);
    let res: Response;
    try {
      res = await fetch(deps.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: String(ts),
          [SIGNATURE_HEADER]: signAdmission(deps.key, ts, body),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(deps.timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw new AdmissionFailure(
        timedOut ? 'timeout' : 'error',
        timedOut ? `no answer in ${deps.timeoutMs} ms` : String(err),
      );
    }
    const text = await readBounded(res, deps.timeoutMs);
    if (!res.ok) throw new AdmissionFailure('error', `status ${res.status}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AdmissionFailure('default', 'answer is not JSON');
    }
    const parsed = answer.safeParse(json);
    if (!parsed.success) throw new AdmissionFailure('default', 'answer is not { allow: boolean, reason?: string }');
    return parsed.data;
  };

  return {
    async decide(request) {
      const labels = { action: request.action };
      try {
        const { allow, reason } = await ask(request);
        const outcome = allow ? 'allow' : 'deny';
        deps.metrics?.admission.inc({ ...labels, outcome });
        if (allow) log.debug({ ...request }, 'admission allowed');
        else log.info({ ...request, reason }, 'admission denied');
        return { allow, reason: reason || (allow ? '' : 'refused by the admission backend'), outcome };
      } catch (err) {
        const failure = err instanceof AdmissionFailure ? err : new AdmissionFailure('error', String(err));
        deps.metrics?.admission.inc({ ...labels, outcome: failure.outcome });
        const allow = deps.defaultDecision === 'allow';
        log.warn(
          { ...request, outcome: failure.outcome, why: failure.message, applied: deps.defaultDecision },
          'admission failed: default applied',
        );
        return { allow, reason: allow ? '' : 'admission unavailable', outcome: failure.outcome };
      }
    },
  };
};

/** The answer body, up to MAX_ANSWER_BYTES: a backend cannot make us buffer without bound, nor stall past the deadline. */
const readBounded = async (res: Response, timeoutMs: number): Promise<string> => {
  try {
    const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = res.body?.getReader();
    if (!reader) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_ANSWER_BYTES) {
        await reader.cancel();
        throw new AdmissionFailure('default', `answer over ${MAX_ANSWER_BYTES} bytes`);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    if (err instanceof AdmissionFailure) throw err;
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    throw new AdmissionFailure(
      timedOut ? 'timeout' : 'error',
      timedOut ? `answer not complete in ${timeoutMs} ms` : String(err),
    );
  }
};
