import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, kill, launch } from './redis-server.js';

const run = promisify(execFile);

export interface RedisCluster {
  /** `127.0.0.1:P1,127.0.0.1:P2,…`: what `REDIS_CLUSTER_NODES` takes. */
  nodes: string;
  ports: number[];
  /** Kill every server and remove their directory (data and `nodes-*.conf`). */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;

/**
 * A real Redis Cluster on loopback: `masters` redis-servers with `--cluster-enabled yes`, joined by
 * `redis-cli --cluster create` (no replicas), and resolved once every node says `cluster_state:ok`.
 * A missing binary fails the run, as for the single server: the cluster suites never skip silently.
 */
export async function startRedisCluster(options: { masters?: number } = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const dir = await mkdtemp(join(tmpdir(), 'linkmic-redis-cluster-'));
  const children: ChildProcess[] = [];
  const onExit = (): void => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    process.off('exit', onExit);
    await Promise.allSettled(children.map((c) => kill(c)));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const ports: number[] = [];
    for (let i = 0; i < masters; i += 1) ports.push(await freePort());
    const started = await Promise.allSettled(
      ports.map((port) =>
        launch([
          '--port',
          String(port),
          '--bind',
          HOST,
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '5000',
        ]),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') children.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;

    const addresses = ports.map((p) => `${HOST}:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: READY_TIMEOUT_MS,
    }).catch((err: NodeJS.ErrnoException & { stdout?: string; stderr?: string }) => {
      if (err.code === 'ENOENT')
        throw new Error('redis-cli is not installed or not on PATH; the cluster tests need it (Debian: redis-tools)');
      throw new Error(`redis-cli --cluster create failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    });
    await waitForClusterOk(ports);
    return { nodes: addresses.join(','), ports, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Every node agrees the cluster is up: slots all covered, the nodes known to each other. */
async function waitForClusterOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const ok = async (port: number): Promise<boolean> => {
    const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), 'cluster', 'info'], { timeout: 2_000 });
    return /cluster_state:ok/.test(stdout) && new RegExp(`cluster_known_nodes:${ports.length}\\b`).test(stdout);
  };
  while (Date.now() < deadline) {
    if ((await Promise.all(ports.map((p) => ok(p).catch(() => false)))).every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `the Redis Cluster on ports ${ports.join(', ')} did not reach cluster_state:ok within ${READY_TIMEOUT_MS} ms`,
  );
}
