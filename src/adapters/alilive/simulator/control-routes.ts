import express, { type Router } from 'express';
import { simInjectBody, simPushBody, simStreamParam } from '../../../protocol/http.js';
import type { LiveWorld } from './live-world.js';

/** The simulator's own controls: what a pushing app, the console and tests do to the simulated AliLive. */
export const createControlRoutes = (world: LiveWorld, state: () => unknown): Router => {
  const router = express.Router();
  router.use(express.json({ limit: '8kb' }));

  router.post('/streams/:stream/publish', (req, res) => {
    const stream = req.params.stream;
    if (!simStreamParam.safeParse(stream).success) return void res.status(400).json({ error: 'bad stream name' });
    const body = simPushBody.safeParse(req.body ?? {});
    const usrargs = body.success ? (body.data.usrargs ?? '') : '';
    const result = world.pushStream(stream, usrargs);
    if (result === 'forbidden') return void res.status(403).json({ error: 'stream is forbidden', stream });
    res.json({ ok: true, stream, already: result === 'already' });
  });

  router.post('/streams/:stream/unpublish', (req, res) => {
    const stream = req.params.stream;
    if (!simStreamParam.safeParse(stream).success) return void res.status(400).json({ error: 'bad stream name' });
    res.json({ ok: true, stream, wasPushing: world.stopStream(stream) });
  });

  router.post('/mix/inject', (req, res) => {
    const parsed = simInjectBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const bad = parsed.error.issues[0]?.path[0];
      return void res.status(400).json({ error: bad === 'code' ? 'bad code' : 'main and mix must be stream names' });
    }
    const { main, mix, code } = parsed.data;
    res.json({ ok: true, registered: world.injectMixResult(main, mix, code) });
  });

  router.get('/state', (_req, res) => void res.json(state()));
  return router;
};
