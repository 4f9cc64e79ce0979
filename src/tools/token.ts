import { ConfigError, loadConfig } from '../config/load.js';
import { systemClock } from '../adapters/clock.js';
import { buildTokenMinter } from '../compose/security.js';

/**
 * An app token signed with the configured AUTH_JWT_SECRET:
 *   npm run token -- <userId> [ttlS]           (a checkout)
 *   node dist/tools/token.js <userId> [ttlS]   (the image, which has no tsx: npm run token works there too)
 */
const [userId, ttl] = process.argv.slice(2);
const ttlS = Number(ttl ?? 3600);
if (!userId || !Number.isInteger(ttlS) || ttlS <= 0) {
  console.error('usage: npm run token -- <userId> [ttlSeconds]   (compiled: node dist/tools/token.js <userId> [ttlSeconds])');
  process.exit(2);
}
let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}
const mint = buildTokenMinter(config, systemClock);
if (!mint) {
  console.error('AUTH_JWT_SECRET is not set: tokens are minted by the backend that holds the signing key');
  process.exit(2);
}
console.log(await mint(userId, ttlS));
