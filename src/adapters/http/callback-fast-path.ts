import type { IncomingMessage, ServerResponse } from 'node:http';
import { queryToken, type HandleCallback } from './callback-handler.js';
import { bagFromQuery } from './callback-params.js';
import { CALLBACK_ROUTES, type CallbackRoute } from './callback-parse.js';

const PREFIX = '/callbacks/alilive/';

/** `<route>` or `<token>/<route>` after the prefix; null for anything else (left to the router). */
const routeOf = (path: string): { route: CallbackRoute; token: string | null } | null => {
  const parts = path.slice(PREFIX.length).split('/');
  const route = parts.at(-1);
  if (parts.length > 2 || !(CALLBACK_ROUTES as readonly string[]).includes(route ?? '')) return null;
  if (parts.length === 1) return { route: route as CallbackRoute, token: null };
  try {
    return { route: route as CallbackRoute, token: decodeURIComponent(parts[0]!) };
  } catch {
    return null;
  }
};

/**
 * AliLive's callbacks are GETs with a query string, at a steady rate and resent until answered 200: the
 * hottest path of the server. They are answered here, before express (its routers, `req.query`, and response
 * helpers cost more than the callback itself), through the same handler the routes and the raw-request
 * recovery use. Returns false for any other request (POST callbacks, unknown paths: the router's).
 */
export const createCallbackFastPath =
  (handle: HandleCallback) =>
  (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    if (req.method !== 'GET' || !url.startsWith(PREFIX)) return false;
    const q = url.indexOf('?');
    const target = routeOf(q < 0 ? url : url.slice(0, q));
    if (!target) return false;
    const params = bagFromQuery(q < 0 ? '' : url.slice(q + 1));
    handle({ route: target.route, token: target.token ?? queryToken(params), headers: req.headers, params }).then(
      (reply) => {
        const body = JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      },
      () => {
        // The handler answers every failure itself; this only keeps a bug from leaving the request hanging.
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"ok":false,"error":{"code":"internal","message":"internal error"}}');
      },
    );
    return true;
  };
