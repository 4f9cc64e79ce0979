import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { isValidId } from '../../core/streams.js';
import { sendError } from './errors.js';

/** Repository `public/` (also `dist/../public` once compiled). */
const PUBLIC_DIR = fileURLToPath(new URL('../../../public', import.meta.url));

/**
 * The newcomer's console: `GET /` plays anchor, co-host and viewer against the embedded AliLive, and
 * `GET /_sim/token?userId=` mints their tokens. Mounted only with the simulator and the dev JWT secret,
 * so it never exists where tokens mean something.
 */
export const createConsoleRouter = (deps: { mintToken(userId: string, ttlS: number): Promise<string> }): Router => {
  const router = Router();
  router.get('/_sim/token', async (req, res) => {
    const userId = req.query.userId;
    if (!isValidId(userId)) return sendError(res, 'bad_request', 'userId must be 1–64 of [A-Za-z0-9_-]');
    res.json({ ok: true, token: await deps.mintToken(userId, 3600) });
  });
  router.use(express.static(PUBLIC_DIR, { index: 'index.html' }));
  return router;
};
