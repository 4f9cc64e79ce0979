import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';

/** Machine-wide CPU jiffies (busy, total) from /proc/stat; null where there is no /proc. */
const machineJiffies = (): { busy: number; total: number } | null => {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
};

/** Start measuring machine-wide busy fraction; the returned function gives the busy % since the start. */
export const machineBusy = (): (() => number) => {
  const start = machineJiffies();
  return () => {
    const end = machineJiffies();
    if (!start || !end || end.total === start.total) return Number.NaN;
    return (100 * (end.busy - start.busy)) / (end.total - start.total);
  };
};

/** CPU time (µs, user + system) another process has used so far, from /proc/<pid>/stat (10 ms resolution). */
export const pidCpuUs = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 (utime, stime) are at 11 and 12 after the state field
    const ticks = Number(f[11]) + Number(f[12]);
    return (ticks / 100) * 1e6; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
};

/** A free TCP port on loopback. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

/** One line describing the machine, printed at the top of every bench. */
export const machineLine = (): string => {
  const c = cpus();
  return `node ${process.version}, ${c.length} × ${c[0]?.model.trim() ?? 'cpu'}, load avg ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; server, clients, Redis and load generator all share these cores; loopback only`;
};

/** Machine-wide busy % over `ms` of doing nothing here: other work on the box that the figures compete with. */
export const backgroundBusy = async (ms = 1_000): Promise<number> => {
  const busy = machineBusy();
  await new Promise((r) => setTimeout(r, ms));
  return busy();
};

/**
 * Waits (at most `maxWaitMs`) until the machine is quiet (< `threshold` % busy over 1 s), so a bench does not start in
 * the middle of someone else's test run; returns the last background reading either way.
 */
export const waitQuiet = async (maxWaitMs = 30_000, threshold = 15): Promise<number> => {
  const deadline = Date.now() + maxWaitMs;
  let last = await backgroundBusy();
  while (last >= threshold && Date.now() < deadline) last = await backgroundBusy();
  return last;
};
