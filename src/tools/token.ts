import { loadConfig } from '../config/load.js';
import { signToken } from '../adapters/socket/auth.js';
import { systemClock } from '../adapters/clock.js';

/** `npm run token -- <userId> [ttlS]`: an app token signed with the configured AUTH_JWT_SECRET. */
const [userId, ttl] = process.argv.slice(2);
if (!userId) {
  console.error('usage: npm run token -- <userId> [ttlSeconds]');
  process.exit(2);
}
const config = loadConfig();
console.log(await signToken({ secret: config.AUTH_JWT_SECRET, userId, ttlS: Number(ttl ?? 3600), now: systemClock.now() }));
