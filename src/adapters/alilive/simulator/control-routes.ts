import express, { type Router } from 'express';
import type { LiveWorld } from './live-world.js';

const NAME = /^[A-Za-z0-9_-]{1,128}$/;
const CODE = /^[A-Za-z0-9_.]{1,64}$/;

/** The simulator's own controls: what a pushing app, the console and tests do to the simulated AliLive. */
export const createControlRoutes = (world: LiveWorld, state: () => unknown): Router => {
  const router = express.Router();
  router.use(express.json({ limit: '8kb' }));

  router.post('/streams/:stream/publish', (req, res) => {
    const stream = req.params.stream;
    if (!NAME.test(stream)) return void res.status(400).json({ error: 'bad stream name' });
    const body = (req.body ?? {}) as { usrargs?: unknown };
    const usrargs = typeof body.usrargs === 'string' ? body.usrargs : '';
    const result = world.pushStream(stream, usrargs);
    if (result === 'forbidden') return void res.status(403).json({ error: 'stream is forbidden', stream });
    res.json({ ok: true, stream, already: result === 'already' });
  });

  router.post('/streams/:stream/unpublish', (req, res) => {
    const stream = req.params.stream;
    if (!NAME.test(stream)) return void res.status(400).json({ error: 'bad stream name' });
    res.json({ ok: true, stream, wasPushing: world.stopStream(stream) });
  });

  router.post('/mix/inject', (req, res) => {
    const { main, mix, code } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof main !== 'string' || !NAME.test(main) || typeof mix !== 'string' || !NAME.test(mix)) {
      return void res.status(400).json({ error: 'main and mix must be stream names' });
    }
    if (typeof code !== 'string' || !CODE.test(code)) return void res.status(400).json({ error: 'bad code' });
    res.json({ ok: true, registered: world.injectMixResult(main, mix, code) });
  });

  router.get('/state', (_req, res) => void res.json(state()));
  return router;
};
