import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { launchProcess, within } from '../support/launched-process.js';
import { freePort } from '../support/redis-server.js';

/** `REDIS_CLUSTER_NODES` as an operator meets it: the process boots on a cluster, or says in one line why not. */
describe('the linkmic process on a Redis Cluster', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  // PORT 0: several of these run side by side.
  const start = (env: Record<string, string>) => {
    const launched = launchProcess(process.execPath, ['--import', 'tsx', 'src/main.ts'], { PORT: '0', ...env });
    children.push(launched.child);
    return launched;
  };

  it('boots on the cluster, is ready, and stops cleanly on SIGTERM', async () => {
    const proc = start({ REDIS_CLUSTER_NODES: inject('redisClusterNodes') });
    const deadline = Date.now() + 15_000;
    while (!/linkmic listening on/.test(proc.stdout()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(proc.stdout()).toContain('state: Redis Cluster (multi-node)');
    const url = /linkmic listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.stdout())![1]!;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await within(proc.exited, 10_000, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('a cluster nobody answers at: it waits, saying so in one line naming REDIS_CLUSTER_NODES, and SIGTERM ends it', async () => {
    const nodes = `127.0.0.1:${await freePort()},127.0.0.1:${await freePort()}`;
    const proc = start({ REDIS_CLUSTER_NODES: nodes });
    await within(
      (async () => {
        while (!proc.stderr().includes('waiting for it')) await new Promise((r) => setTimeout(r, 50));
      })(),
      15_000,
      'the waiting line',
    );
    const lines = proc.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^linkmic: cannot reach Redis at ${nodes.replace(/\./g, '\\.')} \\(REDIS_CLUSTER_NODES\\): .*; waiting for it`,
      ),
    );
    process.kill(proc.child.pid!, 'SIGTERM');
    expect(await within(proc.exited, 5_000, 'exit')).toEqual({ code: 0, signal: null });
  });

  it('refuses REDIS_URL and REDIS_CLUSTER_NODES together, and a malformed node list, each in one line', async () => {
    const both = start({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' });
    const malformed = start({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,redis-b' });
    expect(await within(both.exited, 15_000, 'exit')).toEqual({ code: 1, signal: null });
    expect(both.stderr().trim()).toBe(
      'config REDIS_CLUSTER_NODES: set REDIS_URL (one server) or REDIS_CLUSTER_NODES (a cluster), not both',
    );
    expect(await within(malformed.exited, 15_000, 'exit')).toEqual({ code: 1, signal: null });
    expect(malformed.stderr().trim()).toBe(
      'config REDIS_CLUSTER_NODES: must be host:port,host:port,… ("redis-b" is not host:port)',
    );
  });
});
