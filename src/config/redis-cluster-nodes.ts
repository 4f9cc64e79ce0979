export interface ClusterNode {
  host: string;
  port: number;
}

const ENTRY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):([0-9]{1,5})$/;

/**
 * `REDIS_CLUSTER_NODES`: `host:port,host:port,…` (an IPv6 host in brackets). Some of the masters are enough;
 * the client learns the rest from the cluster. Throws a RangeError that names the bad entry.
 */
export const parseClusterNodes = (value: string): ClusterNode[] =>
  value.split(',').map((raw) => {
    const entry = raw.trim();
    const m = ENTRY.exec(entry);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65_535) throw new RangeError(`"${entry}" is not host:port`);
    return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
  });
