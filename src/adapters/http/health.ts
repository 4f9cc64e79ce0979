import { Router } from 'express';

export type ReadinessCheck = () => Promise<boolean>;

/** Runs every check; one that throws counts as not ready. */
export const checkAll = async (checks: Record<string, ReadinessCheck>): Promise<Record<string, boolean>> =>
  Object.fromEntries(
    await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await check().catch(() => false)] as const)),
  );

/** /healthz: the process answers. /readyz: every dependency answers (503 with the failing names otherwise). */
export const createHealthRouter = (checks: Record<string, ReadinessCheck>): Router => {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const status = await checkAll(checks);
    const ok = Object.values(status).every((up) => up);
    res.status(ok ? 200 : 503).json({ ok, checks: status });
  });
  return router;
};
