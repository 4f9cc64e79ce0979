import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from '../support/app.js';
import { artifactDir, chromiumPath, launchChromium, pixel, screenshots } from '../support/browser.js';
import { runReadmeSession } from '../support/readme-session.js';

const ADMIN_KEY = 'console-test-admin-key-0123456789';
/** Human-paced clicks need the real deadlines, not the test config's one-second ones. */
const ENV = { ADMIN_API_KEY: ADMIN_KEY, TIMEOUT_REQUEST: '60', TIMEOUT_PUBLISH: '60', TIMEOUT_STREAM_LOST: '60' };
/** How long the page's requests wait before they say "timed out" (`?timeout=`), and each expectation here. */
const PAGE_TIMEOUT_S = 3;
const WAIT = { timeout: 8_000 };

const executable = chromiumPath();
if (!executable) {
  const why = 'no Chromium binary (Debian package `chromium`, or CHROMIUM_PATH): the console browser test cannot run';
  // CI installs Chromium (.ci/run): there, a missing browser is a failure, not a reason to skip.
  if (process.env.CI) throw new Error(why);
  console.warn(`SKIPPED: ${why}`);
}

type Pane = { x: number; y: number; w: number; h: number };

const panel = (page: Page, kind: 'anchor' | 'cohost' | 'viewer'): Locator =>
  page.locator(`section[data-kind="${kind}"]`);
const click = (p: Locator, action: string) => p.locator(`button[data-action="${action}"]`).click(WAIT);
const request = (p: Locator, label: string, state = 'ok') =>
  p.locator(`.requests li[data-label="${label}"][data-state="${state}"]`).first();
const canvas = (kind: string, screen: string) => `section[data-kind="${kind}"] canvas[data-screen="${screen}"]`;

/**
 * The console in a real browser: anchor, co-host and viewer through request → accept → push → the mixed
 * picture → a frozen co-host → leave, asserting what each panel draws and may do; then the operator view,
 * which lists the room and shows its MixResult. The same flow runs at 1280 and at 390 px wide, one after
 * the other on one server with the same room and users, so the default flow is shown to work twice in a row.
 */
describe.skipIf(!executable)('the console and the operator view in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let layouts: Record<string, Pane[]>;

  beforeAll(async () => {
    server = await startTestServer(ENV);
    browser = await launchChromium(executable!);
    layouts = ((await (await fetch(`${server.url}/_sim/console`)).json()) as { layouts: Record<string, Pane[]> })
      .layouts;
  }, 40_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const flow = async (run: string, viewport: { width: number; height: number }, opts: { leftoverStream: boolean }) => {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const shot = screenshots(page, await artifactDir(run));
    try {
      await page.goto(`${server.url}/?timeout=${PAGE_TIMEOUT_S}`);
      const [anchor, cohost, viewer] = [panel(page, 'anchor'), panel(page, 'cohost'), panel(page, 'viewer')];
      await expect
        .poll(() => page.locator('meta[name="viewport"]').getAttribute('content'))
        .toContain('width=device-width');
      await page.locator('#server[data-state="up"]').waitFor(WAIT);
      await shot('start');

      // A bad name is refused before anything is sent, in words.
      await cohost.locator('h2 input').fill('no spaces please');
      await click(cohost, 'Connect');
      await expect.poll(() => cohost.locator('.badge').textContent()).toMatch(/bad name: a user name is 1–64 letters/);
      await cohost.locator('h2 input').fill('bob');

      // The anchor opens the room and goes live. Only what the anchor may do now is offered.
      await click(anchor, 'Connect');
      await anchor.locator('.badge[data-state="connected"]').waitFor(WAIT);
      await click(anchor, 'Open room');
      await request(anchor, 'room:open').waitFor(WAIT);
      expect(await anchor.locator('button[data-action^="Accept"]').count()).toBe(0);
      if (opts.leftoverStream) {
        // An earlier session left the anchor's stream up (the simulator already has it): the push says so.
        expect(server.simulator!.pushStream('a-demo')).toBe('ok');
      }
      await click(anchor, 'Start pushing');
      const pushed = request(anchor, 'push a-demo');
      await pushed.waitFor(WAIT);
      if (opts.leftoverStream)
        expect(await pushed.textContent()).toMatch(/ALREADY pushing: AliLive sends no new publish callback/);
      await page.locator(`${canvas('anchor', 'camera')}[data-state="on"][data-shows="alice"]`).waitFor(WAIT);

      // The co-host and the viewer join; the viewer sees the anchor alone and is told the URL it plays.
      for (const p of [cohost, viewer]) {
        await click(p, 'Connect');
        await p.locator('.badge[data-state="connected"]').waitFor(WAIT);
        await click(p, 'Join room');
        await request(p, 'room:join').waitFor(WAIT);
      }
      const picture = page.locator(canvas('viewer', 'picture'));
      await page.locator(`${canvas('viewer', 'picture')}[data-state="alone"][data-panes="1"]`).waitFor(WAIT);
      expect(await viewer.locator('.stateline').getAttribute('data-state')).toBe('alone');
      expect(await viewer.locator('li[data-url="plays"]').textContent()).toMatch(/\/linkmic\/a-demo\.flv$/);
      expect(await viewer.locator('button[data-action="Ask to co-host"]').count()).toBe(0);
      await shot('anchor-alone');

      // Request → accept: the anchor is offered Accept only once bob asks; the co-host gets its push URL.
      await click(cohost, 'Ask to co-host');
      await cohost.locator('.role[data-role="requester"]').waitFor(WAIT);
      expect(await cohost.locator('button[data-action="Ask to co-host"]').count()).toBe(0);
      await click(anchor, 'Accept bob');
      await request(anchor, 'cohost:accept bob').waitFor(WAIT);
      await cohost.locator('.role[data-role="cohost"]').waitFor(WAIT);
      await cohost.locator('li[data-url="pushes to"]').waitFor(WAIT);
      // Both pull each other's low-latency stream; viewers see the anchor alone until the mix is live.
      await page.locator(`${canvas('cohost', 'pull')}[data-shows="alice"]`).waitFor(WAIT);
      await page.locator(`${canvas('anchor', 'pull')}[data-shows="bob"]`).waitFor(WAIT);
      await viewer.locator('.stateline[data-state="joining"]').waitFor(WAIT);
      expect(await picture.getAttribute('data-panes')).toBe('1');
      await shot('cohost-joining');

      // Push → the mixed picture: alice full frame, bob in the pane the configured layout gives him.
      await click(cohost, 'Start pushing');
      await page
        .locator(`${canvas('viewer', 'picture')}[data-state="mixed"][data-inputs="alice,bob"][data-panes="2"]`)
        .waitFor(WAIT);
      expect(await viewer.locator('.stateline').textContent()).toBe('mixed: alice + bob');
      const bobPane = layouts['2']![1]!;
      const bobCamera = await pixel(page, canvas('cohost', 'camera'), 0.1, 0.1);
      const aliceCamera = await pixel(page, canvas('anchor', 'camera'), 0.1, 0.1);
      expect(bobCamera).not.toEqual(aliceCamera);
      expect(
        await pixel(page, canvas('viewer', 'picture'), bobPane.x + bobPane.w * 0.15, bobPane.y + bobPane.h * 0.15),
      ).toEqual(bobCamera);
      expect(await pixel(page, canvas('viewer', 'picture'), 0.1, 0.1)).toEqual(aliceCamera);
      await shot('mixed');

      // bob's stream drops: AliLive answers MixStreamNotExist and viewers see his last frame, greyed, with why.
      await click(cohost, 'Stop pushing');
      await page.locator(`${canvas('viewer', 'picture')}[data-state="degraded"]`).waitFor(WAIT);
      expect(await viewer.locator('.stateline').textContent()).toMatch(/degraded.*bob \(MixStreamNotExist\)/);
      expect(
        await pixel(page, canvas('viewer', 'picture'), bobPane.x + bobPane.w * 0.15, bobPane.y + bobPane.h * 0.15),
      ).not.toEqual(bobCamera);
      await shot('degraded');
      await click(cohost, 'Start pushing');
      await page.locator(`${canvas('viewer', 'picture')}[data-state="mixed"]`).waitFor(WAIT);

      // The operator view lists the room live, with its audience and mix, and its timeline has the MixResult.
      const ops = await browser.newPage({ viewport });
      ops.on('pageerror', (err) => errors.push(`ops: ${err.message}`));
      const opsShot = screenshots(ops, await artifactDir(`${run}-ops`));
      try {
        await ops.goto(`${server.url}/ops`);
        await ops.fill('#key', ADMIN_KEY);
        await ops.click('#signin button[type="submit"]');
        const row = ops.locator('#rooms tr[data-room="demo"]');
        await row.waitFor(WAIT);
        await expect.poll(() => row.textContent(), WAIT).toMatch(/bob: live \(live\)/);
        expect(await row.textContent()).toMatch(/over a-demo: live/);
        await row.locator('button[data-open="demo"]').click();
        const result = ops.locator('#timeline tr[data-name="MixResult"]');
        await result.first().waitFor(WAIT);
        expect(await result.first().textContent()).toMatch(/code=Success/);
        expect(
          await ops.locator('#timeline tr[data-kind="call"][data-name="StartMix"][data-outcome="ok"]').count(),
        ).toBeGreaterThan(0);
        expect(
          await ops.locator('#timeline tr[data-kind="command"][data-name="AcceptCohost"]').count(),
        ).toBeGreaterThan(0);
        await ops.locator('#chart[data-points]').waitFor(WAIT);
        await expect.poll(() => ops.locator('#chart').getAttribute('data-points'), WAIT).not.toBe('0');
        if (viewport.width <= 400)
          expect(await ops.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
            viewport.width,
          );
        await opsShot('timeline');
      } finally {
        await ops.close();
      }

      // Leave: viewers are back to the anchor alone, and bob's app stops pushing by itself.
      await click(cohost, 'Leave co-hosting');
      await page.locator(`${canvas('viewer', 'picture')}[data-state="alone"][data-panes="1"]`).waitFor(WAIT);
      await page.locator(`${canvas('cohost', 'camera')}[data-state="off"]`).waitFor(WAIT);
      await cohost.locator('.role[data-role="viewer"]').waitFor(WAIT);
      await shot('left');

      // Everyone leaves; the anchor closes the room and stops its push, leaving nothing behind for the next run.
      await click(viewer, 'Leave room');
      await click(cohost, 'Leave room');
      await click(anchor, 'Close room');
      await page.locator(`${canvas('anchor', 'camera')}[data-state="off"]`).waitFor(WAIT);
      await expect
        .poll(
          () =>
            server
              .simulator!.state()
              .streams.filter((s) => s.pushing)
              .map((s) => s.name),
          WAIT,
        )
        .toEqual([]);
      if (viewport.width <= 400)
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      await shot('closed');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  };

  it(
    'plays the whole co-host flow at 1280 px, right after the README session ran (same room, same users)',
    { timeout: 90_000 },
    async () => {
      expect(await runReadmeSession(server.url)).toMatch(/bob sees the mixed picture[\s\S]*alice closes/);
      await flow('desktop-1280', { width: 1280, height: 900 }, { leftoverStream: false });
    },
  );

  it('plays it again at 390 px on the same server, with a stream an earlier session left up', { timeout: 90_000 }, () =>
    flow('phone-390', { width: 390, height: 844 }, { leftoverStream: true }),
  );

  it('shows a refused token, a request that times out, and a server that went away', { timeout: 60_000 }, async () => {
    const own = await startTestServer(ENV);
    let ownClosed = false;
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const shot = screenshots(page, await artifactDir('failures'));
    try {
      await page.goto(`${own.url}/?timeout=${PAGE_TIMEOUT_S}`);
      const [anchor, viewer] = [panel(page, 'anchor'), panel(page, 'viewer')];
      await viewer.locator('details summary').first().click();
      await viewer.locator('input[aria-label="app token"]').fill('not-a-token');
      await viewer.locator('button', { hasText: 'Connect with token' }).click();
      await expect
        .poll(() => viewer.locator('.badge').textContent(), WAIT)
        .toBe('refused: unauthorized: invalid token');

      // A push the simulator never answers: pending with its seconds counting, then a visible timeout.
      await click(anchor, 'Connect');
      await click(anchor, 'Open room');
      await request(anchor, 'room:open').waitFor(WAIT);
      await page.route('**/_sim/streams/*/publish', () => undefined);
      await click(anchor, 'Start pushing');
      await expect
        .poll(() => request(anchor, 'push a-demo', 'pending').textContent(), WAIT)
        .toMatch(/pending \(\d\.\d \/ 3 s\)/);
      const timedOut = request(anchor, 'push a-demo', 'timeout');
      await timedOut.waitFor(WAIT);
      expect(await timedOut.textContent()).toMatch(/timed out: no answer within 3 s/);
      await page.unroute('**/_sim/streams/*/publish');
      await shot('timeout');

      // The server goes away: the page says so, and so does every connected panel.
      await own.close();
      ownClosed = true;
      await page.locator('#server[data-state="unreachable"]').waitFor(WAIT);
      await expect
        .poll(() => anchor.locator('.badge').getAttribute('data-state'), WAIT)
        .toMatch(/disconnected|reconnecting/);
      // Nothing is offered that could only wait for a connection that is not there.
      expect(await anchor.locator('button[data-action="Start pushing"]').count()).toBe(0);
      expect(await anchor.locator('.actions').textContent()).toMatch(/waiting for the connection/);
      await shot('server-gone');
    } finally {
      await page.close();
      if (!ownClosed) await own.close();
    }
  });
});
