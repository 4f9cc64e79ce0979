import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditTrail } from '../../src/app/audit.js';

/** One backend as the contract sees it: a fresh, empty trail per call, and another node on the same storage. */
export interface TrailUnderTest {
  trail: AuditTrail;
  peer(): Promise<AuditTrail>;
  close(): Promise<void>;
}
export type TrailFactory = (opts: { maxEntries: number; ttlMs: number }) => Promise<TrailUnderTest>;

let seq = 0;
/** Entries with ids as the observer makes them (`<at base36>-<node>-<n>`), `at` rising one ms per entry. */
const entry = (name: string, at = 1_800_000_000_000 + ++seq): AuditEntry => ({
  id: `${at.toString(36)}-t-${(++seq).toString(36)}`,
  at,
  kind: 'callback',
  name,
  userId: null,
  outcome: 'changed',
  detail: `main=a-r1 mix=c1-r1 code=${name}`,
  ms: 1.5,
  views: { stage: 3, audience: 2 },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends are fire-and-forget: poll until the trail shows what was written. */
const until = async (trail: AuditTrail, roomId: string, count: number): Promise<AuditEntry[]> => {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const { entries } = await trail.page(roomId, { limit: 500, before: null });
    if (entries.length >= count || Date.now() > deadline) return entries;
    await sleep(10);
  }
};

/** The `AuditTrail` contract, run against every backend. */
export function describeAuditTrail(name: string, factory: TrailFactory): void {
  describe(`AuditTrail: ${name}`, () => {
    let under: TrailUnderTest | undefined;
    const open = async (maxEntries = 50, ttlMs = 60_000) => (under = await factory({ maxEntries, ttlMs })).trail;
    afterEach(async () => {
      await under?.close();
      under = undefined;
    });

    it('has an empty timeline for a room it never heard of', async () => {
      const trail = await open();
      expect(await trail.page('nobody', { limit: 10, before: null })).toEqual({ entries: [], next: null });
    });

    it('returns entries newest first, every field intact, and append returns at once', async () => {
      const trail = await open();
      const written = [
        entry('Success'),
        entry('MixStreamNotExist'),
        { ...entry('InternalError'), userId: 'bob', views: undefined },
      ];
      for (const e of written) expect(trail.append('r1', e)).toBeUndefined();
      const read = await until(trail, 'r1', 3);
      expect(read).toEqual([...written].reverse().map((e) => JSON.parse(JSON.stringify(e))));
    });

    it('keeps at most maxEntries per room: the newest', async () => {
      const trail = await open(5);
      const written = Array.from({ length: 8 }, (_, i) => entry(`e${i}`));
      for (const e of written) trail.append('r1', e);
      await until(trail, 'r1', 5);
      await sleep(50);
      const { entries } = await trail.page('r1', { limit: 100, before: null });
      expect(entries.map((e) => e.name)).toEqual(['e7', 'e6', 'e5', 'e4', 'e3']);
    });

    it('pages newest to oldest with a cursor, each entry once', async () => {
      const trail = await open();
      for (let i = 0; i < 7; i++) trail.append('r1', entry(`e${i}`));
      await until(trail, 'r1', 7);
      const names: string[] = [];
      let before: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<AuditTrail['page']>> = await trail.page('r1', { limit: 3, before });
        names.push(...page.entries.map((e) => e.name));
        before = page.next;
        pages += 1;
      } while (before !== null && pages < 10);
      expect(pages).toBe(3);
      expect(names).toEqual(['e6', 'e5', 'e4', 'e3', 'e2', 'e1', 'e0']);
    });

    it('continues from the cursor time when the cursor entry has been trimmed away', async () => {
      const trail = await open(3);
      const first = [entry('e0'), entry('e1'), entry('e2')];
      for (const e of first) trail.append('r1', e);
      await until(trail, 'r1', 3);
      const page = await trail.page('r1', { limit: 2, before: null });
      expect(page.next).toBe(first[1]!.id);
      // Two newer entries push e1 (the cursor) and e0 out of the capped list.
      trail.append('r1', entry('e3'));
      trail.append('r1', entry('e4'));
      await sleep(100);
      expect((await trail.page('r1', { limit: 5, before: page.next })).entries).toEqual([]);
      const fresh = await trail.page('r1', { limit: 1, before: null });
      expect(fresh.entries.map((e) => e.name)).toEqual(['e4']);
      expect((await trail.page('r1', { limit: 5, before: fresh.next })).entries.map((e) => e.name)).toEqual([
        'e3',
        'e2',
      ]);
    });

    it('keeps rooms apart', async () => {
      const trail = await open();
      trail.append('r1', entry('one'));
      trail.append('r2', entry('two'));
      expect((await until(trail, 'r1', 1)).map((e) => e.name)).toEqual(['one']);
      expect((await until(trail, 'r2', 1)).map((e) => e.name)).toEqual(['two']);
    });

    it('is read by another node as written by this one', async () => {
      const trail = await open();
      const other = await under!.peer();
      trail.append('r1', entry('from-node-a'));
      other.append('r1', entry('from-node-b'));
      const seen = await until(other, 'r1', 2);
      expect(seen.map((e) => e.name)).toEqual(['from-node-b', 'from-node-a']);
      expect((await until(trail, 'r1', 2)).map((e) => e.name)).toEqual(['from-node-b', 'from-node-a']);
    });

    it("forgets a room's trail ttl after its last entry; each entry renews it", async () => {
      const trail = await open(50, 400);
      trail.append('r1', entry('first'));
      await sleep(250);
      trail.append('r1', entry('second'));
      await sleep(250);
      // 500 ms after the first entry, 250 after the second: still there, both.
      expect((await trail.page('r1', { limit: 10, before: null })).entries.map((e) => e.name)).toEqual([
        'second',
        'first',
      ]);
      await sleep(300);
      expect(await trail.page('r1', { limit: 10, before: null })).toEqual({ entries: [], next: null });
    });
  });
}
