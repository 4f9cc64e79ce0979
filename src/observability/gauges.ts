import { Gauge, type Registry } from 'prom-client';

/** What the store can count at scrape time; a field left out is one it cannot count cheaply. */
export interface StoreReadings {
  /** Rooms by status, across the deployment (the store is shared: every node reports the same numbers). */
  roomsByStatus: Record<string, number>;
  /** Deadlines passed and not yet fired (or whose claim lapsed): above 0 for long means timers are stuck. */
  timersDue: number;
  /** Co-host sessions by the state apps see. */
  cohostsByState?: Record<string, number>;
  /** Mixes AliLive runs for us: StartMix accepted and no StopMix answered yet. */
  mixesRunning?: number;
}

export interface GaugeSources {
  /** Sockets connected to this node. */
  socketsConnected(): number;
  /** Readiness of each dependency, as /readyz sees it. */
  dependencies(): Promise<Record<string, boolean>>;
  store: {
    read(): Promise<StoreReadings>;
    /** Whether `read` fills `cohostsByState` and `mixesRunning`; without it those gauges are not registered. */
    detailed: boolean;
  };
}

/**
 * Gauges computed when Prometheus scrapes, not kept up to date on every change: the numbers come from the
 * store, which every node shares, so no node could keep them by itself. prom-client asks every gauge at once,
 * so one store read serves them all; a failed read leaves the store gauges without samples (stale in
 * Prometheus) instead of failing the whole scrape.
 */
export const registerGauges = (registry: Registry, sources: GaugeSources): void => {
  let inflight: Promise<StoreReadings | null> | null = null;
  const readStore = (): Promise<StoreReadings | null> =>
    (inflight ??= sources.store
      .read()
      .then(
        (r) => r,
        () => null,
      )
      .finally(() => {
        inflight = null;
      }));

  const byLabel = (gauge: Gauge<string>, label: string, values: Record<string, number> | undefined): void => {
    gauge.reset();
    for (const [value, n] of Object.entries(values ?? {})) gauge.set({ [label]: value }, n);
  };

  new Gauge({
    name: 'linkmic_sockets_connected',
    help: 'Sockets connected to this node',
    registers: [registry],
    collect() {
      this.set(sources.socketsConnected());
    },
  });
  new Gauge({
    name: 'linkmic_dependency_up',
    help: 'Whether a dependency answers (1) or not (0), as /readyz reports it',
    labelNames: ['dependency'] as const,
    registers: [registry],
    async collect() {
      const deps = await sources.dependencies().catch(() => ({}));
      byLabel(this, 'dependency', Object.fromEntries(Object.entries(deps).map(([k, up]) => [k, up ? 1 : 0])));
    },
  });
  new Gauge({
    name: 'linkmic_rooms',
    help: 'Rooms by status, deployment-wide (every node reports the same: aggregate with max)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      byLabel(this, 'status', (await readStore())?.roomsByStatus);
    },
  });
  new Gauge({
    name: 'linkmic_timers_due',
    help: 'Timers past their deadline and not yet fired, deployment-wide (aggregate with max)',
    registers: [registry],
    async collect() {
      this.set((await readStore())?.timersDue ?? Number.NaN);
    },
  });
  if (!sources.store.detailed) return;
  new Gauge({
    name: 'linkmic_cohost_sessions',
    help: 'Co-host sessions by state, deployment-wide (aggregate with max)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      byLabel(this, 'state', (await readStore())?.cohostsByState);
    },
  });
  new Gauge({
    name: 'linkmic_mixes_running',
    help: 'Mixes AliLive runs for us (StartMix accepted, no StopMix answered yet), deployment-wide (aggregate with max)',
    registers: [registry],
    async collect() {
      this.set((await readStore())?.mixesRunning ?? Number.NaN);
    },
  });
};
