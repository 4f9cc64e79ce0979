import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { parseClusterNodes } from '../../../src/config/redis-cluster-nodes.js';

describe('REDIS_CLUSTER_NODES', () => {
  it('reads host:port pairs (names, IPv4, bracketed IPv6), spaces around commas allowed', () => {
    expect(parseClusterNodes('redis-0.redis:6379, 10.0.0.2:7000,[::1]:7001')).toEqual([
      { host: 'redis-0.redis', port: 6379 },
      { host: '10.0.0.2', port: 7000 },
      { host: '::1', port: 7001 },
    ]);
  });

  it.each(['', 'host', 'host:', ':6379', 'host:0', 'host:65536', 'a:1,,b:2', 'redis://a:1', 'a b:1'])(
    'refuses %j',
    (value) => {
      expect(() => parseClusterNodes(value)).toThrow(RangeError);
    },
  );

  it('is a config key of its own, refused alongside REDIS_URL; unset or empty means no cluster', () => {
    const load = (env: Record<string, string>) => loadConfig({ env: { NODE_ENV: 'test', ...env } });
    expect(load({ REDIS_CLUSTER_NODES: '127.0.0.1:7000' }).REDIS_CLUSTER_NODES).toBe('127.0.0.1:7000');
    expect(load({ REDIS_CLUSTER_NODES: '' }).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(() => load({ REDIS_CLUSTER_NODES: 'x' })).toThrow(/^config REDIS_CLUSTER_NODES: must be host:port/);
    expect(() => load({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' })).toThrow(
      'config REDIS_CLUSTER_NODES: set REDIS_URL (one server) or REDIS_CLUSTER_NODES (a cluster), not both',
    );
  });
});
