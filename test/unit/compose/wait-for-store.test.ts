import { describe, expect, it } from 'vitest';
import { StartupError, StoreUnreachableError } from '../../../src/compose/startup-errors.js';
import { BootAborted, waitForStore } from '../../../src/compose/wait-for-store.js';

const unreachable = (reason: string) =>
  new StoreUnreachableError('REDIS_URL', `cannot reach Redis at redis://h:1/ (REDIS_URL): ${reason}`);

/** An opener that fails with the given reasons in turn, then opens. */
const failing = (reasons: string[]) => {
  let calls = 0;
  return {
    open: async () => {
      const reason = reasons[calls++];
      if (reason !== undefined) throw unreachable(reason);
      return 'store';
    },
    calls: () => calls,
  };
};

describe('waiting for the store at boot', () => {
  it('retries an unreachable store and says so once, not once per attempt', async () => {
    const lines: string[] = [];
    const opener = failing(Array.from({ length: 8 }, () => 'connect ECONNREFUSED'));
    const store = await waitForStore(opener.open, {
      status: (l) => lines.push(l),
      firstDelayMs: 1,
      maxDelayMs: 4,
      remindMs: 60_000,
    });
    expect(store).toBe('store');
    expect(opener.calls()).toBe(9);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^linkmic: cannot reach Redis at .* \(REDIS_URL\): connect ECONNREFUSED; waiting for it/);
    expect(lines[1]).toMatch(/^linkmic: store reachable after \d+ s; starting$/);
  });

  it('a changed reason gets its own line; a long wait a reminder at most every remindMs', async () => {
    const lines: string[] = [];
    const opener = failing(['connect ECONNREFUSED', 'connect ECONNREFUSED', 'WRONGPASS', 'WRONGPASS', 'WRONGPASS']);
    await waitForStore(opener.open, { status: (l) => lines.push(l), firstDelayMs: 5, maxDelayMs: 5, remindMs: 8 });
    expect(lines[0]).toContain('ECONNREFUSED; waiting');
    expect(lines.filter((l) => l.includes('WRONGPASS; waiting'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('still waiting')).length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThan(opener.calls() + 1);
  });

  it('without a wait (tests, tools) the first failure is thrown as is', async () => {
    await expect(waitForStore(failing(['down']).open, undefined)).rejects.toBeInstanceOf(StoreUnreachableError);
  });

  it('any other start-up error is thrown at once, never retried', async () => {
    let calls = 0;
    const open = async () => {
      calls++;
      throw new StartupError('REDIS_URL', 'must be a redis:// URL');
    };
    await expect(waitForStore(open, { status: () => undefined, firstDelayMs: 1 })).rejects.toThrow(
      'must be a redis:// URL',
    );
    expect(calls).toBe(1);
  });

  it('an abort (a signal during start-up) ends the wait with BootAborted', async () => {
    const ctl = new AbortController();
    const waiting = waitForStore(failing(Array.from({ length: 1000 }, () => 'down')).open, {
      status: () => ctl.abort(),
      signal: ctl.signal,
      firstDelayMs: 60_000,
    });
    await expect(waiting).rejects.toBeInstanceOf(BootAborted);
  });
});
