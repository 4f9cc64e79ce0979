import { Router, json, type NextFunction, type Request, type Response } from 'express';
import type { Clock, RoomDispatcher, RoomRepository } from '../../app/ports.js';
import type { RoomInput } from '../../core/events.js';
import { stageView } from '../../core/views.js';
import { roomIdParam, tokenRequest as tokenRequestOf, userIdParam } from '../../protocol/http.js';
import type { Logger } from '../../observability/logger.js';
import type { SecurityMetrics } from '../../observability/security-metrics.js';
import { NO_GRANTS, parseGrants, type Grants } from '../../protocol/grants.js';
import { bearerKey, keyChecker } from './admin-key.js';
import { pageOfRooms, pageQuery } from './admin-pages.js';
import { errorBody, httpStatusFor, sendError } from './errors.js';
import { createFailureLimiter } from './failure-limiter.js';

export interface AdminDeps {
  apiKey: string;
  dispatcher: RoomDispatcher;
  repo: Pick<RoomRepository, 'list'>;
  /** Mints an app token for a user (for business backends that don't mint their own); null: `/api/tokens` is off. */
  mintToken: ((userId: string, ttlS: number, grants?: Grants) => Promise<string>) | null;
  /** `JWT_MAX_TTL_S`: the longest token `/api/tokens` mints. */
  maxTtlS: number;
  /** Wrong keys one client address may send per window (`ADMIN_AUTH_MAX_FAILURES`, `ADMIN_AUTH_WINDOW_S`). */
  failures: { max: number; windowMs: number };
  clock: Clock;
  logger: Logger;
  metrics?: SecurityMetrics;
  /** More admin routes (the operator view's, `admin-ops.ts`), behind the same key check and throttle. */
  routes?: Router[];
}

/** `/api/*`, only with `Authorization: Bearer <ADMIN_API_KEY>`; wrong keys are throttled per client address. */
export const createAdminRouter = (deps: AdminDeps): Router => {
  const router = Router();
  const log = deps.logger.child({ module: 'admin' });
  const matches = keyChecker(deps.apiKey);
  const limiter = createFailureLimiter({ ...deps.failures, clock: deps.clock });

  router.use('/api', (req: Request, res: Response, next: NextFunction) => {
    // The peer address: X-Forwarded-For is not trusted (express's `trust proxy` is off).
    const address = req.socket.remoteAddress ?? 'unknown';
    const waitMs = limiter.blockedFor(address);
    if (waitMs > 0) {
      const retryS = Math.ceil(waitMs / 1000);
      log.warn({ address, retryS }, 'admin API: address throttled after failed keys');
      deps.metrics?.refusals.inc({ surface: 'admin', code: 'limit', reason: 'throttled' });
      res.setHeader('retry-after', String(retryS));
      return sendError(res, 'limit', `too many failed attempts; retry in ${retryS} s`);
    }
    const key = bearerKey(req.headers.authorization);
    if (key === null || !matches(key)) {
      limiter.failed(address);
      log.warn(
        { address, method: req.method, path: req.path, reason: key === null ? 'no bearer key' : 'wrong key' },
        'admin API: refused',
      );
      deps.metrics?.refusals.inc({
        surface: 'admin',
        code: 'unauthorized',
        reason: key === null ? 'no bearer key' : 'wrong key',
      });
      return sendError(res, 'unauthorized', 'admin API key required');
    }
    next();
  });
  router.use('/api', json({ limit: '4kb' }));
  for (const more of deps.routes ?? []) router.use(more);

  const roomId = (req: Request, res: Response): string | null => {
    const id = roomIdParam.safeParse(req.params.roomId);
    if (id.success) return id.data;
    res.status(400).json(errorBody('bad_request', 'roomId must be 1–64 of [A-Za-z0-9_-]'));
    return null;
  };

  const apply = async (res: Response, id: string, input: RoomInput) => {
    const result = await deps.dispatcher.dispatch(id, input);
    if (!result.ok)
      res.status(httpStatusFor(result.error.code)).json(errorBody(result.error.code, result.error.message));
    else res.json({ ok: true, room: result.room ? stageView(result.room) : null });
  };

  router.get('/api/rooms', async (req, res) => {
    const query = pageQuery(req.query);
    if (!query.ok) return sendError(res, 'bad_request', query.message);
    const { ids, next } = pageOfRooms(await deps.repo.list(), query.page);
    const rooms = await Promise.all(ids.map((id) => deps.dispatcher.load(id)));
    res.json({ ok: true, rooms: rooms.filter((r) => r !== null).map(stageView), next });
  });
  router.get('/api/rooms/:roomId', async (req, res) => {
    const id = roomId(req, res);
    if (!id) return;
    const room = await deps.dispatcher.load(id);
    if (!room) res.status(404).json(errorBody('not_found', 'no such room'));
    else res.json({ ok: true, room: stageView(room) });
  });
  router.post('/api/rooms/:roomId/close', async (req, res) => {
    const id = roomId(req, res);
    if (id) await apply(res, id, { type: 'AdminCloseRoom' });
  });
  router.post('/api/rooms/:roomId/cohosts/:userId/kick', async (req, res) => {
    const id = roomId(req, res);
    if (!id) return;
    if (!userIdParam.safeParse(req.params.userId).success) {
      res.status(400).json(errorBody('bad_request', 'userId must be 1–64 of [A-Za-z0-9_-]'));
      return;
    }
    await apply(res, id, { type: 'KickCohost', userId: null, target: req.params.userId });
  });

  const mint = deps.mintToken;
  if (mint) {
    const tokenRequest = tokenRequestOf(deps.maxTtlS);
    router.post('/api/tokens', async (req, res) => {
      const parsed = tokenRequest.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return sendError(
          res,
          'bad_request',
          issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'bad body',
        );
      }
      const grants = parsed.data.grants === undefined ? null : parseGrants(parsed.data.grants, NO_GRANTS);
      if (grants && !grants.ok) return sendError(res, 'bad_request', grants.message);
      const ttlS = parsed.data.ttlS ?? Math.min(3600, deps.maxTtlS);
      const token = await mint(parsed.data.userId, ttlS, grants?.grants);
      res.json({ ok: true, token, expiresInS: ttlS });
    });
  }
  return router;
};
