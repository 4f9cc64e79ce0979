import { z } from 'zod';
import { ERROR_CODES } from '../core/errors.js';
import { MIX_RESULT_CODES } from '../core/events.js';
import { idSchema } from './payloads.js';
import { stageView } from './server-events.js';

/**
 * The HTTP side of PROTOCOL §3 as zod schemas: the routes validate their input with these (callback values,
 * admin parameters and bodies, the simulator's controls), and `docs/openapi.json` is generated from them, with
 * the answers the routes give.
 */

// ----- AliLive callbacks: the values each parameter may take (the parser reads them tolerantly first) -----

/** A stream, app or domain named by a callback. */
export const callbackName = z.string({ error: 'required' }).min(1, 'must not be empty').max(256, 'too long');
const shown = (v: unknown): string => JSON.stringify(String(v).slice(0, 64));
export const streamAction = z.enum(['publish', 'publish_done'], {
  error: (issue) => `unknown value ${shown(issue.input)} (expected publish or publish_done)`,
});
export const unixSeconds = z.string().regex(/^([0-9]{1,12})?$/, 'must be unix seconds');
const optionalText = z.string().optional();
const callbackToken = z
  .string()
  .optional()
  .describe('CALLBACK_TOKEN, when one is set (or as a path segment: /callbacks/alilive/<token>/…)');

export const streamCallbackParams = z
  .object({
    action: streamAction,
    app: optionalText.describe('the ingest domain'),
    appname: callbackName.describe('the AppName; another than ALILIVE_APP_NAME is ignored'),
    id: callbackName.describe('the stream name'),
    ip: optionalText,
    node: optionalText,
    time: unixSeconds.optional().describe('unix seconds of the event'),
    usrargs: optionalText,
    token: callbackToken,
  })
  .describe(
    'Stream status (publish / publish_done), signed with ALI-LIVE-SIGNATURE when ALILIVE_CALLBACK_AUTH_KEY is set.',
  );

export const mixAvailableParams = z
  .object({
    Domain: optionalText,
    App: callbackName,
    Stream: callbackName,
    Event: optionalText.describe('MixAvailable'),
    token: callbackToken,
  })
  .describe('The main stream can be mixed.');

export const mixResultParams = z
  .object({
    MainMixDomain: optionalText,
    MainMixApp: callbackName,
    MainMixStream: callbackName,
    MixDomain: optionalText,
    MixApp: callbackName,
    MixStream: callbackName,
    MixType: optionalText,
    MixTemplate: optionalText,
    Event: optionalText.describe('MixResult (or EventMixStop: the mix ended)'),
    Code: callbackName.describe(`${MIX_RESULT_CODES.join(', ')}; another code is answered 200 and ignored`),
    Message: optionalText,
    token: callbackToken,
  })
  .describe('The outcome of a StartMix.');

export const errorBody = z
  .object({ ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) })
  .describe('Every refusal: a PROTOCOL error code and a message.');

export const callbackAnswer = z
  .object({
    ok: z.literal(true),
    result: z.enum(['applied', 'duplicate', 'unknown', 'ignored']),
    reason: z.string().optional().describe('why it was ignored'),
  })
  .describe('Accepted (AliLive stops retrying): applied, a duplicate or stale one, an unknown stream, or ignored.');

export const mixTaskEvent = z
  .record(z.string(), z.unknown())
  .describe('A CreateMixStream task event as AliLive POSTs it (JSON; its fields are not documented).');

// ----- operations -----

export const healthAnswer = z.object({ ok: z.literal(true) });
export const readyAnswer = z.union([
  z.object({
    ok: z.boolean(),
    checks: z.record(z.string(), z.boolean()).describe('each dependency: store, alilive'),
    detail: z.record(z.string(), z.string()).optional().describe('what an operator must fix even while ready'),
  }),
  z.object({ ok: z.literal(false), draining: z.literal(true) }).describe('the node is draining (SIGTERM)'),
]);

// ----- admin API -----

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;
export const roomsPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  cursor: z.string().max(200).optional().describe('`next` of the previous page'),
});
export const roomIdParam = idSchema;
export const userIdParam = idSchema;

/** `POST /api/tokens`; `maxTtlS` is JWT_MAX_TTL_S. `grants` is checked by the grants parser (PROTOCOL §4.1). */
export const tokenRequest = (maxTtlS: number) =>
  z.strictObject({
    userId: idSchema,
    ttlS: z.number().int().positive().max(maxTtlS, `must be at most ${maxTtlS} (JWT_MAX_TTL_S)`).optional(),
    grants: z.unknown().optional().describe('{ anchor: string[], cohost: boolean, pair: boolean }'),
  });

export const roomsPage = z.object({ ok: z.literal(true), rooms: z.array(stageView), next: z.string().nullable() });
export const roomAnswer = z.object({ ok: z.literal(true), room: stageView });
export const roomActionAnswer = z.object({ ok: z.literal(true), room: stageView.nullable() });
export const tokenAnswer = z.object({ ok: z.literal(true), token: z.string(), expiresInS: z.number().int() });

// ----- the embedded simulator (development) -----

export const simStreamParam = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'bad stream name');
export const simInjectBody = z.object({
  main: simStreamParam,
  mix: simStreamParam,
  code: z.string().regex(/^[A-Za-z0-9_.]{1,64}$/, 'bad code'),
});
export const simPushBody = z.object({ usrargs: z.string().optional() }).loose();
