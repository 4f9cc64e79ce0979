import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Clock } from '../../../app/ports.js';
import type { Logger } from '../../../observability/logger.js';
import { popError, type ActionResult, type ActionDeps, createActions, type Params } from './pop-actions.js';
import { verifyPop } from './pop-signature.js';
import { createQpsWindow } from './qps-window.js';

/** One POP request as the simulator saw it; credentials and the signature are left out. */
export interface PopCall {
  action: string;
  method: string;
  params: Record<string, string>;
  status: number;
  code: string | null;
}

export interface PopEndpointDeps extends Omit<ActionDeps, 'clock'> {
  /** AccessKeyId → AccessKeySecret. */
  keys: Readonly<Record<string, string>>;
  clock: Clock;
  logger: Logger;
  version?: string;
}

const COMMON = [
  'Action',
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureNonce',
  'SignatureVersion',
  'Timestamp',
  'Version',
];
const HIDDEN = new Set(['AccessKeyId', 'Signature', 'SecurityToken']);
const WINDOW_MS = 15 * 60 * 1000;
const MAX_CALLS = 10_000;
const DEFAULT_FAULT_CODE: Record<number, string> = { 500: 'InternalError', 503: 'ServiceUnavailable' };

/** GET query and POST form merged into one flat map; a repeated key makes the request invalid. */
const flatParams = (req: Request): Params | null => {
  const out: Record<string, string> = {};
  for (const source of [req.query as Record<string, unknown>, (req.body ?? {}) as Record<string, unknown>]) {
    for (const [k, v] of Object.entries(source)) {
      if (typeof v !== 'string') return null;
      out[k] = v;
    }
  }
  return out;
};

const parseTimestamp = (ts: string): number =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(ts) ? Date.parse(ts) : Number.NaN;

export const createPopEndpoint = (deps: PopEndpointDeps) => {
  const version = deps.version ?? '2016-11-01';
  const actions = createActions(deps);
  const flow = createQpsWindow();
  const nonces = new Map<string, number>();
  const calls: PopCall[] = [];
  const faults: Array<{ status: number; code: string; html: boolean }> = [];
  const stalls: number[] = [];
  /** Stalled answers, so close() can release them instead of leaving sockets hanging. */
  const stalled = new Map<NodeJS.Timeout, () => void>();

  /** Authentication and the common parameters, in the order POP checks them. */
  const gate = (method: string, p: Params): ActionResult | null => {
    const missing = COMMON.find((k) => !p[k]);
    if (missing)
      return popError(
        400,
        'MissingParameter',
        `The input parameter "${missing}" that is mandatory for processing this request is not supplied.`,
      );
    const secret = deps.keys[p.AccessKeyId!];
    if (secret === undefined) return popError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    if (!verifyPop(method, p, secret))
      return popError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
    const at = parseTimestamp(p.Timestamp!);
    if (Number.isNaN(at))
      return popError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
    const now = deps.clock.now();
    if (Math.abs(now - at) > WINDOW_MS)
      return popError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    // Insertion order is arrival order, so expired nonces are all at the front.
    for (const [n, until] of nonces)
      if (until < now) nonces.delete(n);
      else break;
    if (nonces.has(p.SignatureNonce!))
      return popError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    nonces.set(p.SignatureNonce!, now + WINDOW_MS);
    if (p.Version !== version) return popError(400, 'InvalidVersion', `Specified parameter Version is not valid.`);
    return null;
  };

  const handle = (method: string, p: Params | null): ActionResult => {
    if (!p) return popError(400, 'InvalidParameter', 'A parameter was given more than once.');
    const refused = gate(method, p);
    if (refused) return refused;
    const action = actions.get(p.Action!);
    if (!action)
      return popError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    if (action.qps && !flow.admit(action.qps, deps.clock.now())) {
      return popError(400, 'Throttling.User', 'Request was denied due to user flow control.');
    }
    const missing = action.required.find((k) => !p[k]);
    if (missing)
      return popError(
        400,
        'MissingParameter',
        `The input parameter "${missing}" that is mandatory for processing this request is not supplied.`,
      );
    return action.run(p);
  };

  const record = (method: string, p: Params | null, status: number, code: string | null): void => {
    const params = Object.fromEntries(Object.entries(p ?? {}).filter(([k]) => !HIDDEN.has(k)));
    calls.push({ action: p?.Action ?? '', method, params, status, code });
    if (calls.length > MAX_CALLS) calls.shift();
  };

  const answer = (req: Request, res: Response): void => {
    const p = flatParams(req);
    const RequestId = randomUUID().toUpperCase();
    const HostId = req.hostname;
    const fault = faults.shift();
    if (fault) {
      record(req.method, p, fault.status, fault.code);
      if (fault.html) return void res.status(fault.status).type('html').send('<html><body>Bad Gateway</body></html>');
      return void res.status(fault.status).json({
        Code: fault.code,
        Message: 'The request has failed due to a temporary failure of the server.',
        RequestId,
        HostId,
      });
    }
    const r = handle(req.method, p);
    record(req.method, p, r.ok ? 200 : r.status, r.ok ? null : r.code);
    if (!r.ok) deps.logger.debug({ action: p?.Action, code: r.code }, 'sim: POP call refused');
    const send = () =>
      r.ok
        ? res.status(200).json({ RequestId, ...r.body })
        : res.status(r.status).json({ Code: r.code, Message: r.message, RequestId, HostId });
    const stall = stalls.shift();
    if (stall === undefined) return void send();
    const release = (): void => {
      stalled.delete(t);
      if (!res.writableEnded && !res.destroyed) send();
    };
    const t = setTimeout(release, stall);
    stalled.set(t, release);
  };

  const router: Router = express.Router();
  router.use(express.urlencoded({ extended: false }));
  router.get('/', answer);
  router.post('/', answer);

  return {
    router,
    calls: calls as readonly PopCall[],
    /** The next `n` calls answer `status` with a POP error body (or an HTML page), before any check. */
    failNextCalls: (n: number, status = 503, opts: { code?: string; html?: boolean } = {}): void => {
      const code = opts.code ?? DEFAULT_FAULT_CODE[status] ?? 'ServiceUnavailable';
      for (let i = 0; i < n; i += 1) faults.push({ status, code, html: opts.html ?? false });
    },
    /** The next `n` calls are processed at once but answered only after `ms` (to exercise client timeouts). */
    stallNextCalls: (n: number, ms: number): void => {
      for (let i = 0; i < n; i += 1) stalls.push(ms);
    },
    close: (): void => {
      for (const [t, release] of stalled) {
        clearTimeout(t);
        release();
      }
    },
  };
};

export type PopEndpoint = ReturnType<typeof createPopEndpoint>;
