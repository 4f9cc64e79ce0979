import express, { Router, type Request, type Response } from 'express';
import type { Clock } from '../../app/ports.js';
import type { Fact } from '../../core/events.js';
import type { Logger } from '../../observability/logger.js';
import { checkToken, verifyStreamSignature, type HeaderBag } from './callback-auth.js';
import { detectKind, parseCallback, type CallbackKind, type CallbackParams } from './callback-parse.js';
import { createHttpErrorHandler, errorBody, type ErrorBody } from './errors.js';

/** What the engine did with a callback's fact; every one of them is a 200 so AliLive stops resending. */
export type FactOutcome = 'applied' | 'duplicate' | 'stale' | 'unknown';

export interface CallbackConfig {
  /** `ALILIVE_APP_NAME` */
  appName: string;
  /** `ALILIVE_PUSH_DOMAIN`: the domain stream-callback signatures are computed over. */
  pushDomain: string;
  /** `ALILIVE_CALLBACK_AUTH_KEY`; unset = stream-callback signatures not verified. */
  callbackAuthKey?: string | undefined;
  /** `CALLBACK_TOKEN`; unset = no `token` required. */
  callbackToken?: string | undefined;
}

export interface CallbackDeps {
  config: CallbackConfig;
  clock: Clock;
  logger: Logger;
  onFact(fact: Fact): Promise<FactOutcome>;
}

export type CallbackBody = { ok: true; result: FactOutcome | 'ignored'; reason?: string } | ErrorBody;
export interface CallbackReply {
  status: number;
  body: CallbackBody;
}

/** Turns one callback (route, merged params, lowercased headers) into the reply to send; never throws. */
export type HandleCallback = (route: CallbackKind, params: CallbackParams, headers: HeaderBag) => Promise<CallbackReply>;

export const CALLBACK_BASE = '/callbacks/alilive';
export const CALLBACK_PATHS: Readonly<Record<CallbackKind, string>> = {
  stream: `${CALLBACK_BASE}/stream`,
  'mix-available': `${CALLBACK_BASE}/mix-available`,
  'mix-result': `${CALLBACK_BASE}/mix-result`,
};

/** Callbacks are a few hundred bytes; anything much bigger is not AliLive. */
const BODY_LIMIT = '16kb';

const firstString = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;

/**
 * The shared core of the routes and of the raw-request recovery: token → signature (stream callbacks only;
 * AliLive signs no mix callback) → parse → `onFact`. A throwing engine yields 503 so AliLive retries.
 */
export const createCallbackHandler = ({ config, clock, logger, onFact }: CallbackDeps): HandleCallback => {
  const log = logger.child({ mod: 'callbacks' });
  const reject = (status: 400 | 401, route: CallbackKind, reason: string, message: string): CallbackReply => {
    // Only route, reason and our own message: params (and so the token) never reach the log.
    log.warn({ route, status, reason, message }, 'callback rejected');
    return { status, body: errorBody(status === 400 ? 'bad_request' : 'unauthorized', message) };
  };
  const unavailable = (route: CallbackKind, err: unknown): CallbackReply => {
    log.error({ route, err }, 'callback not applied; answering 503 so AliLive retries');
    return { status: 503, body: errorBody('internal', 'callback not applied, retry later') };
  };

  return async (route, params, headers) => {
    try {
      const token = checkToken(firstString(params.token), config.callbackToken);
      if (!token.ok) return reject(401, route, token.reason, token.message);
      const nowS = Math.floor(clock.now() / 1000);
      if (config.callbackAuthKey && detectKind(params, route) === 'stream') {
        const sig = verifyStreamSignature({ headers, pushDomain: config.pushDomain, key: config.callbackAuthKey, nowS });
        if (!sig.ok) return reject(401, route, sig.reason, sig.message);
      }
      const parsed = parseCallback(route, params, { appName: config.appName, nowS });
      if (!parsed.ok) return reject(400, route, 'malformed', parsed.error.message);
      if ('ignored' in parsed) {
        log.debug({ route, kind: parsed.kind, reason: parsed.ignored }, 'callback ignored');
        return { status: 200, body: { ok: true, result: 'ignored', reason: parsed.ignored } };
      }
      let result: FactOutcome;
      try {
        result = await onFact(parsed.fact);
      } catch (err) {
        return unavailable(route, err);
      }
      const line = { route, fact: parsed.fact.type, streams: parsed.streams, result };
      if (result === 'applied') log.info(line, 'callback applied');
      else log.debug(line, 'callback changed nothing');
      return { status: 200, body: { ok: true, result } };
    } catch (err) {
      return unavailable(route, err);
    }
  };
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `GET|POST /callbacks/alilive/{stream,mix-available,mix-result}`. Query and body (form or JSON) are merged,
 * the query winning. Every route accepts every kind: the parameters decide (see `detectKind`).
 * `handleCallback` is exposed for `attachRawRequestRecovery`.
 */
export const createCallbackRouter = (deps: CallbackDeps): Router & { handleCallback: HandleCallback } => {
  const handleCallback = createCallbackHandler(deps);
  const inner = Router();
  inner.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 100 }));
  inner.use(express.json({ limit: BODY_LIMIT }));
  for (const kind of Object.keys(CALLBACK_PATHS) as CallbackKind[]) {
    const answer = async (req: Request, res: Response): Promise<void> => {
      const params: CallbackParams = { ...(isRecord(req.body) ? req.body : {}), ...(req.query as CallbackParams) };
      const reply = await handleCallback(kind, params, req.headers);
      res.status(reply.status).json(reply.body);
    };
    inner.route(`/${kind}`).get(answer).post(answer);
  }
  // Body-parser faults (malformed JSON, oversized body) become JSON 4xx here, not express's HTML page.
  inner.use(createHttpErrorHandler({ logger: deps.logger }));
  const router = Router();
  router.use(CALLBACK_BASE, inner);
  return Object.assign(router, { handleCallback });
};
