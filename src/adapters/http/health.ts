import { Router } from 'express';

export type ReadinessCheck = () => Promise<boolean>;

/** Runs every check; one that throws counts as not ready. */
export const checkAll = async (checks: Record<string, ReadinessCheck>): Promise<Record<string, boolean>> =>
  Object.fromEntries(
    await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await check().catch(() => false)] as const)),
  );

/**
 * /healthz: the process answers. /readyz: every dependency answers (503 with the failing names otherwise),
 * and `detail` carries what an operator must fix even while the node stays ready (a mixer AliLive no longer serves).
 */
export const createHealthRouter = (
  checks: Record<string, ReadinessCheck>,
  detail: () => Record<string, string> = () => ({}),
): Router => {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const status = await checkAll(checks);
    const ok = Object.values(status).every((up) => up);
    const notes = detail();
    res.status(ok ? 200 : 503).json({ ok, checks: status, ...(Object.keys(notes).length > 0 ? { detail: notes } : {}) });
  });
  return router;
};
