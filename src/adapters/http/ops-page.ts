import { fileURLToPath } from 'node:url';
import express, { Router, type Response } from 'express';

/** Repository `public/ops/` (also `dist/../public/ops` once compiled). */
const OPS_DIR = fileURLToPath(new URL('../../../public/ops', import.meta.url));
/** Styles the operator view shares with the console, which is not mounted in production. */
const SHARED_DIR = fileURLToPath(new URL('../../../public/shared', import.meta.url));

/** Only this server's own scripts and styles, no framing: the page handles the admin key. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const secure = (res: Response): void => {
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cache-control', 'no-store');
};

/**
 * The operator view at `GET /ops`, in any mode, mounted only when ADMIN_API_KEY is set. The page holds no
 * data: it asks for the key and reads `/api/*` with it, so serving it needs no key.
 */
export const createOpsPageRouter = (): Router => {
  const router = Router();
  router.get('/ops', (_req, res) => {
    secure(res);
    res.sendFile('index.html', { root: OPS_DIR });
  });
  router.use(
    '/ops',
    (_req, res, next) => (secure(res), next()),
    express.static(OPS_DIR, { index: false, redirect: false }),
  );
  router.use(
    '/shared',
    (_req, res, next) => (secure(res), next()),
    express.static(SHARED_DIR, { index: false, redirect: false }),
  );
  return router;
};
