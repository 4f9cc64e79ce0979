import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Set on a forwarded request, so a node that is not the target either never forwards it again. */
export const FORWARDED_HEADER = 'x-linkmic-forwarded';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host'];

/**
 * Relays one request, body and all, to the same path on `base` and streams the answer back. A target that
 * does not answer within `timeoutMs` (or at all) gets the caller a 503 it can retry, never a hang.
 * @example
 *   forward(req, res, 'http://10.0.0.7:3000', { timeoutMs: 10_000 });   // POST /_sim/pop/ → that node
 */
export const forward = (req: IncomingMessage, res: ServerResponse, base: string, opts: { timeoutMs: number }): void => {
  const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const target = new URL(path, base);
  const headers: Record<string, string | string[]> = { [FORWARDED_HEADER]: '1' };
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.includes(name)) headers[name] = value;
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, { method: req.method, headers, timeout: opts.timeoutMs }, (answer) => {
    res.writeHead(
      answer.statusCode ?? 502,
      Object.fromEntries(Object.entries(answer.headers).filter(([n]) => !HOP_BY_HOP.includes(n))),
    );
    answer.pipe(res);
  });
  const fail = (): void => {
    upstream.destroy();
    if (res.headersSent) return void res.destroy();
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        ok: false,
        error: { code: 'internal', message: 'the node serving this is not reachable; retry' },
      }),
    );
  };
  upstream.once('timeout', fail);
  upstream.once('error', fail);
  req.pipe(upstream);
};
