import { loadConfig } from '../config/load.js';
import { signToken } from '../adapters/socket/auth.js';
import { systemClock } from '../adapters/clock.js';

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
try {
  const config = loadConfig();
  console.log(await signToken({ secret: config.AUTH_JWT_SECRET, userId, ttlS, now: systemClock.now() }));
} catch (err) {
  // A config error or a bad user id: the message says which.
  console.error(`token: ${(err as Error).message}`);
  process.exit(1);
}
