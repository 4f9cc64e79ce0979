import { Router } from 'express';

export type ReadinessCheck = () => Promise<boolean>;

/** /healthz: the process answers. /readyz: every dependency answers (503 with the failing names otherwise). */
export const createHealthRouter = (checks: Record<string, ReadinessCheck>): Router => {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await check().catch(() => false)] as const),
    );
    const status = Object.fromEntries(entries);
    const ok = entries.every(([, up]) => up);
    res.status(ok ? 200 : 503).json({ ok, checks: status });
  });
  return router;
};
