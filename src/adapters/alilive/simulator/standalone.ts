import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { z } from 'zod';
import { createLogger, type Logger } from '../../../observability/logger.js';
import { createSimulator, type Simulator, type SimulatorOptions } from './index.js';

/**
 * The simulator as its own process, for "cloud mode against a local POP endpoint": linkmic runs with
 * ALILIVE_MODE=cloud and ALILIVE_ENDPOINT=http://127.0.0.1:<port>/_sim/pop.
 *   tsx src/adapters/alilive/simulator/standalone.ts --port 4100 --callback-base http://127.0.0.1:3000
 * Credentials, domains, token and keys use linkmic's own variable names, so both can share one environment.
 */
/**
 * The keys it accepts when given none: a simulator on a developer's machine needs nothing configured, and a
 * well-known pair protects nothing there is to protect. Set both variables for anything shared.
 */
export const DEV_ACCESS_KEY_ID = 'simulator-dev-key';
export const DEV_ACCESS_KEY_SECRET = 'simulator-dev-secret';

const ms = z.coerce.number().int().min(0);
const optional = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));
const schema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  callbackBase: optional.pipe(
    z
      .string()
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
      .optional(),
  ),
  accessKeyId: z.string().min(1, 'must not be empty').default(DEV_ACCESS_KEY_ID),
  accessKeySecret: z.string().min(1, 'must not be empty').default(DEV_ACCESS_KEY_SECRET),
  pushDomain: z.string().default('push.example.com'),
  mixDomain: z.string().default('play.example.com'),
  appName: z.string().default('linkmic'),
  callbackToken: optional,
  callbackAuthKey: optional,
  mixAvailableDelayMs: ms.default(500),
  mixResultDelayMs: ms.default(200),
  callbackRetryMs: ms.default(1000),
  mixOutputDelayMs: ms.default(300),
  /** `false`: answer the legacy mixing actions as unknown, as a retired API would. */
  legacyMix: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
export type StandaloneConfig = z.infer<typeof schema>;

/** The environment variables the standalone simulator reads (flags aside). */
export const NAMES: Record<keyof StandaloneConfig, string> = {
  port: 'SIM_PORT',
  host: 'SIM_HOST',
  callbackBase: 'SIM_CALLBACK_BASE',
  accessKeyId: 'ALILIVE_ACCESS_KEY_ID',
  accessKeySecret: 'ALILIVE_ACCESS_KEY_SECRET',
  pushDomain: 'ALILIVE_PUSH_DOMAIN',
  mixDomain: 'ALILIVE_MIX_DOMAIN',
  appName: 'ALILIVE_APP_NAME',
  callbackToken: 'CALLBACK_TOKEN',
  callbackAuthKey: 'ALILIVE_CALLBACK_AUTH_KEY',
  mixAvailableDelayMs: 'SIMULATOR_MIX_AVAILABLE_DELAY_MS',
  mixResultDelayMs: 'SIMULATOR_MIX_RESULT_DELAY_MS',
  callbackRetryMs: 'SIM_CALLBACK_RETRY_MS',
  mixOutputDelayMs: 'SIMULATOR_MIX_OUTPUT_DELAY_MS',
  legacyMix: 'SIM_LEGACY_MIX',
};
const FLAGS: Record<string, keyof StandaloneConfig> = {
  '--port': 'port',
  '--host': 'host',
  '--callback-base': 'callbackBase',
};

/** Flags win over the environment; an invalid value throws one line naming the variable. */
export const parseStandaloneArgs = (argv: readonly string[], env: NodeJS.ProcessEnv): StandaloneConfig => {
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(NAMES)) if (env[name] !== undefined) raw[key] = env[name];
  if (raw.mixDomain === undefined && env.ALILIVE_PLAY_DOMAIN) raw.mixDomain = env.ALILIVE_PLAY_DOMAIN;
  for (let i = 0; i < argv.length; i += 1) {
    const key = FLAGS[argv[i]!];
    if (!key || argv[i + 1] === undefined) throw new Error(`simulator: unknown or incomplete argument ${argv[i]}`);
    raw[key] = argv[(i += 1)];
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(
    `simulator: ${NAMES[issue.path[0] as keyof StandaloneConfig] ?? String(issue.path[0])}: ${issue.message}`,
  );
};

export interface Standalone {
  /** The POP endpoint to configure as ALILIVE_ENDPOINT. */
  endpoint: string;
  port: number;
  simulator: Simulator;
  close(): Promise<void>;
}

export const startStandalone = async (config: StandaloneConfig, logger: Logger): Promise<Standalone> => {
  const base = config.callbackBase?.replace(/\/$/, '');
  const options: SimulatorOptions = {
    ...config,
    domains: undefined,
    callbackUrls: base
      ? {
          stream: `${base}/callbacks/alilive/stream`,
          mixAvailable: `${base}/callbacks/alilive/mix-available`,
          mixResult: `${base}/callbacks/alilive/mix-result`,
        }
      : {},
    logger,
  };
  const simulator = createSimulator(options);
  const app = express();
  app.use('/_sim', simulator.router);
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${config.host}:${port}/_sim/pop`,
    port,
    simulator,
    close: async () => {
      simulator.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
};

/** What to give linkmic: the endpoint, and the keys when they are the development pair (never a real secret). */
export const howToPointLinkmic = (config: StandaloneConfig, endpoint: string): string => {
  const devKeys = config.accessKeyId === DEV_ACCESS_KEY_ID && config.accessKeySecret === DEV_ACCESS_KEY_SECRET;
  const keys = devKeys
    ? `ALILIVE_ACCESS_KEY_ID=${DEV_ACCESS_KEY_ID} ALILIVE_ACCESS_KEY_SECRET=${DEV_ACCESS_KEY_SECRET}`
    : 'ALILIVE_ACCESS_KEY_ID=<the same> ALILIVE_ACCESS_KEY_SECRET=<the same>';
  const callbacks = config.callbackBase
    ? `callbacks go to ${config.callbackBase}`
    : 'no --callback-base: callbacks are recorded, not sent';
  return [
    `alilive simulator on ${endpoint} (${callbacks})`,
    `run linkmic against it: ALILIVE_MODE=cloud ALILIVE_ENDPOINT=${endpoint} ${keys} npm start`,
  ].join('\n');
};

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info');
  try {
    const config = parseStandaloneArgs(process.argv.slice(2), process.env);
    const sim = await startStandalone(config, logger);
    logger.info({ port: sim.port, endpoint: sim.endpoint }, 'alilive simulator listening');
    process.stdout.write(`${howToPointLinkmic(config, sim.endpoint)}\n`);
    const stop = () => void sim.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
