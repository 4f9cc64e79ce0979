import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Debian's `chromium` package (what .ci/run installs), or CHROMIUM_PATH. No browser is ever downloaded. */
export const chromiumPath = (): string | null => {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  return candidates.find((p): p is string => typeof p === 'string' && p.length > 0 && existsSync(p)) ?? null;
};

/**
 * Headless Chromium as this machine runs it: no sandbox (root), and none of the background traffic a
 * closed network refuses (updates, sync, QUIC probes).
 */
export const launchChromium = (executablePath: string): Promise<Browser> =>
  chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });

/** Where a browser test leaves its screenshots (gitignored): test/.artifacts/browser/<run>/. */
export const artifactDir = async (run: string): Promise<string> => {
  const dir = join(ROOT, 'test', '.artifacts', 'browser', run);
  await mkdir(dir, { recursive: true });
  return dir;
};

/** Numbered screenshots of one run, in the order they were taken. */
export const screenshots = (page: Page, dir: string) => {
  let n = 0;
  return async (name: string): Promise<void> => {
    n += 1;
    await page.screenshot({ path: join(dir, `${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
};

/** The slice of a canvas element this file reads in the page (the project compiles without the DOM types). */
interface PageCanvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** The RGBA of one pixel of a canvas, at fractions of its width and height. */
export const pixel = (page: Page, selector: string, fx: number, fy: number): Promise<number[]> =>
  page.locator(selector).evaluate(
    (node, [x, y]) => {
      const canvas = node as unknown as PageCanvas;
      return Array.from(
        canvas.getContext('2d')!.getImageData(Math.floor(canvas.width * x), Math.floor(canvas.height * y), 1, 1).data,
      );
    },
    [fx, fy] as const,
  );
