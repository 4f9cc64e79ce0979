import { Router } from 'express';

export type ReadinessCheck = () => Promise<boolean>;

/** A check that has not answered by then counts as not ready: /readyz answers within 2 s however sick a dependency is. */
export const CHECK_DEADLINE_MS = 1500;

const withinDeadline = (check: ReadinessCheck, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    Promise.resolve()
      .then(check)
      .then(
        (up) => (clearTimeout(timer), resolve(up)),
        () => (clearTimeout(timer), resolve(false)),
      );
  });

/** Runs every check; one that throws or outlasts `deadlineMs` counts as not ready. */
export const checkAll = async (
  checks: Record<string, ReadinessCheck>,
  deadlineMs = CHECK_DEADLINE_MS,
): Promise<Record<string, boolean>> =>
  Object.fromEntries(
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await withinDeadline(check, deadlineMs)] as const),
    ),
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
    res
      .status(ok ? 200 : 503)
      .json({ ok, checks: status, ...(Object.keys(notes).length > 0 ? { detail: notes } : {}) });
  });
  return router;
};
