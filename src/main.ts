import { ConfigError, loadConfig } from './config/load.js';
import { DEV_JWT_SECRET } from './config/schema.js';
import { createLogger } from './observability/logger.js';
import { buildServer } from './server.js';

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
  const server = await buildServer(config, { logger });
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
  const { url } = await server.listen();
  const mode = config.REDIS_URL ? 'Redis (multi-node)' : 'in-memory (single node)';
  logger.info({ address: url, alilive: config.ALILIVE_MODE, state: mode }, 'linkmic listening');
  console.log(`linkmic listening on ${url}  (AliLive: ${config.ALILIVE_MODE}, state: ${mode})`);
  if (config.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
    console.log(`dev token for user "alice" (1 h): ${await server.mintToken('alice')}`);
    console.log('more: npm run token -- <userId>');
  }
  if (server.simulator) {
    if (config.AUTH_JWT_SECRET === DEV_JWT_SECRET && config.NODE_ENV !== 'production') {
      console.log(`console: open ${url}/ to play anchor, co-host and viewer`);
    }
    console.log(`simulated pushes: curl -X POST ${url}/_sim/streams/<stream>/publish  (state: ${url}/_sim/state)`);
  }
};

void main();
