import { timingSafeEqual } from 'node:crypto';
import { Router, json, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RoomDispatcher, RoomRepository } from '../../app/ports.js';
import type { RoomInput } from '../../core/events.js';
import { toSnapshot } from '../../core/snapshot.js';
import { isValidId } from '../../core/streams.js';
import { errorBody, httpStatusFor } from './errors.js';

export interface AdminDeps {
  apiKey: string;
  dispatcher: RoomDispatcher;
  repo: Pick<RoomRepository, 'list'>;
  /** Mints an app token for a user (for business backends that don't mint their own). */
  mintToken(userId: string, ttlS: number): Promise<string>;
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const tokenRequest = z.strictObject({
  userId: z.string().refine(isValidId, 'must be 1–64 of [A-Za-z0-9_-]'),
  ttlS: z.number().int().positive().max(7 * 24 * 3600).optional(),
});

/** `/api/*`, only with `Authorization: Bearer <ADMIN_API_KEY>`. */
export const createAdminRouter = (deps: AdminDeps): Router => {
  const router = Router();
  router.use('/api', (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ') || !sameSecret(header.slice(7), deps.apiKey)) {
      res.status(401).json(errorBody('unauthorized', 'admin API key required'));
      return;
    }
    next();
  });
  router.use('/api', json({ limit: '4kb' }));

  const roomId = (req: Request, res: Response): string | null => {
    const id = req.params.roomId;
    if (isValidId(id)) return id;
    res.status(400).json(errorBody('bad_request', 'roomId must be 1–64 of [A-Za-z0-9_-]'));
    return null;
  };

  const apply = async (res: Response, id: string, input: RoomInput) => {
    const result = await deps.dispatcher.dispatch(id, input);
    if (!result.ok) res.status(httpStatusFor(result.error.code)).json(errorBody(result.error.code, result.error.message));
    else res.json({ ok: true, room: result.room ? toSnapshot(result.room) : null });
  };

  router.get('/api/rooms', async (_req, res) => {
    const ids = await deps.repo.list();
    const rooms = await Promise.all(ids.map((id) => deps.dispatcher.load(id)));
    res.json({ ok: true, rooms: rooms.filter((r) => r !== null).map(toSnapshot) });
  });
  router.get('/api/rooms/:roomId', async (req, res) => {
    const id = roomId(req, res);
    if (!id) return;
    const room = await deps.dispatcher.load(id);
    if (!room) res.status(404).json(errorBody('not_found', 'no such room'));
    else res.json({ ok: true, room: toSnapshot(room) });
  });
  router.post('/api/rooms/:roomId/close', async (req, res) => {
    const id = roomId(req, res);
    if (id) await apply(res, id, { type: 'AdminCloseRoom' });
  });
  router.post('/api/rooms/:roomId/cohosts/:userId/kick', async (req, res) => {
    const id = roomId(req, res);
    if (!id) return;
    if (!isValidId(req.params.userId)) {
      res.status(400).json(errorBody('bad_request', 'userId must be 1–64 of [A-Za-z0-9_-]'));
      return;
    }
    await apply(res, id, { type: 'KickCohost', userId: null, target: req.params.userId });
  });
  router.post('/api/tokens', async (req, res) => {
    const parsed = tokenRequest.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json(errorBody('bad_request', parsed.error.issues[0]?.message ?? 'bad body'));
      return;
    }
    const ttlS = parsed.data.ttlS ?? 3600;
    res.json({ ok: true, token: await deps.mintToken(parsed.data.userId, ttlS), expiresInS: ttlS });
  });
  return router;
};
