import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { layoutFor, MAX_MIX_INPUTS, type MixLayoutStyle, type Pane } from '../../core/mix-layout.js';
import { isValidId } from '../../core/names.js';
import { createClientBundle } from './client-bundle.js';
import { sendError } from './errors.js';

/** Repository `public/` (also `dist/../public` once compiled). */
const PUBLIC_DIR = fileURLToPath(new URL('../../../public', import.meta.url));

/** What the console draws the viewers' picture from: the mixer, its layout, and the panes for each count. */
export interface ConsoleSettings {
  mixer: 'legacy' | 'cloudmix';
  /** Legacy: ALILIVE_MIX_TEMPLATE; cloudmix: ALILIVE_MIX_LAYOUT. */
  layout: 'picture_in_picture' | 'side_by_side' | MixLayoutStyle;
  maxCohosts: number;
  /** How long the console waits for an ack before it says the request timed out. */
  ackTimeoutMs: number;
}

/** The legacy templates drawn with the pure layout: picture-in-picture is `pip`; side by side, a two-pane grid. */
const styleOf = (layout: ConsoleSettings['layout']): MixLayoutStyle =>
  layout === 'grid' || layout === 'side_by_side' ? 'grid' : 'pip';

/** Panes by input count (anchor + co-hosts), as `core/mix-layout.ts` lays them out. */
export const consoleLayouts = (settings: ConsoleSettings): Record<number, Pane[]> => {
  const most = Math.min(MAX_MIX_INPUTS, settings.maxCohosts + 1);
  const style = styleOf(settings.layout);
  return Object.fromEntries(Array.from({ length: most }, (_, i) => [i + 1, layoutFor(i + 1, style).panes]));
};

/**
 * The newcomer's console: `GET /` plays anchor, co-host and viewer against the embedded AliLive, and
 * `GET /_sim/token?userId=` mints their tokens. Mounted only with the simulator and the dev JWT secret,
 * so it never exists where tokens mean something.
 */
export const createConsoleRouter = (deps: {
  mintToken(userId: string, ttlS: number): Promise<string>;
  settings: ConsoleSettings;
}): Router => {
  const router = Router();
  const bundle = createClientBundle();
  router.get('/_sim/token', async (req, res) => {
    const userId = req.query.userId;
    if (!isValidId(userId)) return sendError(res, 'bad_request', 'a user name is 1–64 letters, digits, "_" or "-"');
    res.json({ ok: true, token: await deps.mintToken(userId, 3600) });
  });
  router.get('/_sim/console', (_req, res) => {
    res.json({ ok: true, ...deps.settings, layouts: consoleLayouts(deps.settings) });
  });
  router.get('/console/linkmic-client.js', async (_req, res) => {
    try {
      res.type('text/javascript').setHeader('cache-control', 'no-cache');
      res.send(await bundle());
    } catch (err) {
      sendError(res, 'internal', `the console's client bundle failed: ${(err as Error).message}`);
    }
  });
  router.use(express.static(PUBLIC_DIR, { index: 'index.html' }));
  return router;
};
