import { ConfigError, loadConfig } from './config/load.js';
import { DEV_JWT_SECRET, type Config } from './config/schema.js';
import { startupErrorLine } from './compose/startup-errors.js';
import { BootAborted } from './compose/wait-for-store.js';
import { createLogger } from './observability/logger.js';
import { buildServer, type BuiltServer } from './server.js';

/** A boot failure the operator can fix gets one line and exit 1; anything else keeps its stack trace (exit 1 too). */
const failStart = async (err: unknown, config: Config, server?: BuiltServer): Promise<never> => {
  console.error(startupErrorLine(err, config) ?? err);
  // Whatever was opened (Redis) must not keep the process alive, nor delay the exit for long.
  if (server)
    await Promise.race([server.close().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
  process.exit(1);
};

/** Composition root: config → build (waiting for the store) → listen; SIGTERM / SIGINT drain, then exit. */
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
  // Signals are handled from the first moment: a supervisor may stop a node that is still waiting for Redis.
  const boot = new AbortController();
  let server: BuiltServer | null = null;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      // A second signal: the operator does not want to wait for the drain.
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, server ? 'draining' : 'stopping during start-up');
    if (!server) return boot.abort();
    // The drain bounds itself (DRAIN_TIMEOUT_S); this is the backstop should a step ignore its deadline.
    setTimeout(() => process.exit(1), config.DRAIN_TIMEOUT_S * 1000 + 5_000).unref();
    server.drain().then(
      (report) => process.exit(report.clean ? 0 : 1),
      (err: unknown) => {
        logger.error({ err }, 'drain failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

  const waitForStore = { status: (line: string) => console.error(line), signal: boot.signal };
  try {
    server = await buildServer(config, { logger, waitForStore });
  } catch (err) {
    if (err instanceof BootAborted) process.exit(0);
    return failStart(err, config);
  }
  if (stopping) {
    // The signal came while the node was being wired: nothing to drain yet.
    await server.close().catch(() => undefined);
    process.exit(0);
  }
  const built = server;
  const { url } = await built.listen().catch((err: unknown) => failStart(err, config, built));
  const mode = config.REDIS_CLUSTER_NODES
    ? 'Redis Cluster (multi-node)'
    : config.REDIS_URL
      ? 'Redis (multi-node)'
      : 'in-memory (single node)';
  logger.info({ address: url, alilive: config.ALILIVE_MODE, state: mode }, 'linkmic listening');
  console.log(`linkmic listening on ${url}  (AliLive: ${config.ALILIVE_MODE}, state: ${mode})`);
  if (config.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
    console.log(`dev token for user "alice" (1 h): ${await built.mintToken('alice')}`);
    console.log('more: npm run token -- <userId>  (in the image: node dist/tools/token.js <userId>)');
  }
  if (built.simulator) {
    if (config.AUTH_JWT_SECRET === DEV_JWT_SECRET && config.NODE_ENV !== 'production') {
      console.log(`console: open ${url}/ to play anchor, co-host and viewer`);
    }
    console.log(`simulated pushes: curl -X POST ${url}/_sim/streams/<stream>/publish  (state: ${url}/_sim/state)`);
  }
};

void main();
