import type { IncomingMessage } from 'node:http';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Clock } from '../../app/ports.js';
import type { Fact } from '../../core/events.js';
import type { Logger } from '../../observability/logger.js';
import {
  createCallbackHandler,
  queryToken,
  type CallbackConfig,
  type CallbackObserver,
  type CallbackReply,
  type FactOutcome,
  type HandleCallback,
} from './callback-handler.js';
import { bagFromJson, bagFromQuery, mergeBags, type ParamBag } from './callback-params.js';
import { CALLBACK_ROUTES, type CallbackRoute } from './callback-parse.js';
import { createMixTaskRoute, type OnTaskEvent } from './mix-task-callback.js';

export type { CallbackConfig, CallbackObserver, FactOutcome, HandleCallback } from './callback-handler.js';

export const CALLBACK_BASE = '/callbacks/alilive';
export const CALLBACK_PATHS: Readonly<Record<CallbackRoute, string>> = {
  stream: `${CALLBACK_BASE}/stream`,
  'mix-available': `${CALLBACK_BASE}/mix-available`,
  'mix-result': `${CALLBACK_BASE}/mix-result`,
};
/** The mixing-task callback of CreateMixStream (its `CallbackConfig.CallbackUrl`): POSTed JSON. */
export const MIX_TASK_PATH = `${CALLBACK_BASE}/mix-task`;

/**
 * A callback URL with the token as a path segment, `/callbacks/alilive/<token>/<route>`: for senders that
 * append `?…` to a URL that already has a query, which would swallow a `?token=` into their first parameter.
 */
export const tokenCallbackPath = (token: string, route: CallbackRoute | 'mix-task'): string =>
  `${CALLBACK_BASE}/${encodeURIComponent(token)}/${route}`;

/** Callbacks are a few hundred bytes; anything much bigger is not AliLive. */
const BODY_LIMIT = '16kb';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPES = ['application/json', 'application/*+json'];

export interface CallbackDeps {
  config: CallbackConfig;
  clock: Clock;
  logger: Logger;
  onFact(fact: Fact): Promise<FactOutcome>;
  /** Metrics of refused and ignored callbacks. */
  observer?: CallbackObserver | undefined;
  /** Mixing-task callbacks, keyed by task id (the cloudmix mixer); unset = logged and answered only. */
  onTaskEvent?: OnTaskEvent | undefined;
}

const isRoute = (name: unknown): name is CallbackRoute => (CALLBACK_ROUTES as readonly unknown[]).includes(name);

/** The query of the request target, as sent (express's own `req.query` is never built). */
const rawQuery = (req: Request): string => {
  const url = req.originalUrl ?? req.url;
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
};

const send = (res: Response, reply: CallbackReply): void => void res.status(reply.status).json(reply.body);

/** express.text for the two body types callbacks may use; the body stays text until we parse it. */
const readText = (type: string[] | ((req: IncomingMessage) => boolean), limit: string) => {
  const parser = express.text({ type, limit, defaultCharset: 'utf-8' });
  return (req: Request, res: Response): Promise<void> =>
    new Promise((resolve, reject) =>
      parser(req, res, (err?: unknown) =>
        err ? reject(err instanceof Error ? err : new Error('body parser failed')) : resolve(),
      ),
    );
};

/** Body-parser faults: oversized → 413, the rest (charset, encoding, aborted) → 400. */
export const bodyFault = (err: unknown): { status: 400 | 413; reason: string; message: string } => {
  const status = (err as { status?: unknown } | null)?.status;
  return status === 413
    ? { status: 413, reason: 'body_too_large', message: 'request body too large' }
    : { status: 400, reason: 'bad_body', message: 'unreadable request body' };
};

/**
 * `GET|POST /callbacks/alilive/{stream,mix-available,mix-result}` and the same under `/<token>/`, plus
 * `POST …/mix-task`. Each route takes only its own parameter set. GET reads the query only (no body
 * parser runs); POST adds a form or JSON body, read only once the URL's token (and, on the stream route,
 * the signature) passed. `handleCallback` serves `attachRawRequestRecovery`.
 */
export const createCallbackRouter = (
  deps: CallbackDeps,
): Router & { handleCallback: HandleCallback; observer?: CallbackObserver } => {
  const handler = createCallbackHandler(deps);
  const readBody = readText([FORM, ...JSON_TYPES], BODY_LIMIT);

  const bodyBag = (req: Request): ParamBag | 'malformed' | null => {
    if (typeof req.body !== 'string') return null;
    if (req.is(FORM)) return bagFromQuery(req.body);
    try {
      return bagFromJson(JSON.parse(req.body)) ?? 'malformed';
    } catch {
      return 'malformed';
    }
  };

  const answerGet: RequestHandler = async (req, res, next) => {
    const route = req.params.route;
    if (!isRoute(route)) return next();
    const params = bagFromQuery(rawQuery(req));
    const token = req.params.token ?? queryToken(params);
    send(res, await handler.handle({ route, token, headers: req.headers, params }));
  };

  const answerPost: RequestHandler = async (req, res, next) => {
    const route = req.params.route;
    if (!isRoute(route)) return next();
    const query = bagFromQuery(rawQuery(req));
    const auth = handler.authorize({ route, token: req.params.token ?? queryToken(query), headers: req.headers });
    if (!auth.ok) return send(res, auth.reply);
    try {
      await readBody(req, res);
    } catch (err) {
      const fault = bodyFault(err);
      return send(res, handler.refuse(route, fault.status, fault.reason, fault.message));
    }
    const body = bodyBag(req);
    if (body === 'malformed') return send(res, handler.refuse(route, 400, 'bad_body', 'malformed request body'));
    send(res, await handler.apply(route, body ? mergeBags(query, body) : query, auth.proof));
  };

  const mixTask = createMixTaskRoute({
    handler,
    readBody: readText(() => true, '64kb'),
    configuredToken: deps.config.callbackToken,
    onTaskEvent: deps.onTaskEvent,
  });
  const taskPost: RequestHandler = (req, res) =>
    mixTask(req, res, req.params.token ?? queryToken(bagFromQuery(rawQuery(req))));

  const router = Router();
  router.post([MIX_TASK_PATH, `${CALLBACK_BASE}/:token/mix-task`], taskPost);
  router.get([`${CALLBACK_BASE}/:route`, `${CALLBACK_BASE}/:token/:route`], answerGet);
  router.post([`${CALLBACK_BASE}/:route`, `${CALLBACK_BASE}/:token/:route`], answerPost);
  // A callback URL configured with a typo would otherwise fail unseen: say so, and count it (the path is
  // not echoed: it may hold the token).
  router.use(CALLBACK_BASE, (req, res) => {
    send(res, handler.refuse('unknown', 404, 'no_such_route', `no such callback route (${req.method})`));
  });
  return Object.assign(router, { handleCallback: handler.handle, observer: deps.observer });
};
