/** prom-client's own default-metric modules, each `(registry, config) => void` (no typings of their own). */
declare module 'prom-client/lib/metrics/*.js' {
  import type { Registry } from 'prom-client';
  const register: (registry: Registry, config?: { prefix?: string; eventLoopMonitoringPrecision?: number }) => void;
  export default register;
}
