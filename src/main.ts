import { ConfigError, loadConfig } from './config/load.js';
import { DEV_JWT_SECRET, type Config } from './config/schema.js';
import { startupErrorLine } from './compose/startup-errors.js';
import { createLogger } from './observability/logger.js';
import { buildServer, type BuiltServer } from './server.js';

/** A boot failure the operator can fix gets one line and exit 1; anything else keeps its stack trace. */
const failStart = async (err: unknown, config: Config, server?: BuiltServer): Promise<never> => {
  const line = startupErrorLine(err, config);
  if (!line) throw err;
  console.error(line);
  // Whatever was opened (Redis) must not keep the process alive, nor delay the exit for long.
  if (server) await Promise.race([server.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
  process.exit(1);
};

/** Composition root: config → build → listen; SIGTERM / SIGINT close gracefully. */
const main = async (): Promise<void> => {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const server = await buildServer(config, { logger }).catch((err: unknown) => failStart(err, config));
  // Signals are handled before the port opens: a supervisor may signal as soon as it sees the port.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'closing');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  const { url } = await server.listen().catch((err: unknown) => failStart(err, config, server));
  const mode = config.REDIS_CLUSTER_NODES ? 'Redis Cluster (multi-node)' : config.REDIS_URL ? 'Redis (multi-node)' : 'in-memory (single node)';
  logger.info({ address: url, alilive: config.ALILIVE_MODE, state: mode }, 'linkmic listening');
  console.log(`linkmic listening on ${url}  (AliLive: ${config.ALILIVE_MODE}, state: ${mode})`);
  if (config.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
    console.log(`dev token for user "alice" (1 h): ${await server.mintToken('alice')}`);
    console.log('more: npm run token -- <userId>  (in the image: node dist/tools/token.js <userId>)');
  }
  if (server.simulator) {
    if (config.AUTH_JWT_SECRET === DEV_JWT_SECRET && config.NODE_ENV !== 'production') {
      console.log(`console: open ${url}/ to play anchor, co-host and viewer`);
    }
    console.log(`simulated pushes: curl -X POST ${url}/_sim/streams/<stream>/publish  (state: ${url}/_sim/state)`);
  }
};

void main();
