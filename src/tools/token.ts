import { ConfigError, loadConfig } from '../config/load.js';
import { systemClock } from '../adapters/clock.js';
import { NO_GRANTS, parseGrants, type Grants } from '../protocol/grants.js';
import { buildTokenMinter } from '../compose/security.js';

/**
 * An app token signed with the configured AUTH_JWT_SECRET:
 *   npm run token -- <userId> [ttlS] [grants]           (a checkout)
 *   node dist/tools/token.js <userId> [ttlS] [grants]   (the image, which has no tsx: npm run token works there too)
 * `grants` is the token's grants claim as JSON, e.g. '{"anchor":["*"],"cohost":true}'. Without it the token
 * gets AUTH_DEFAULT_GRANTS, which outside development is `none` (join and watch only).
 */
const USAGE =
  'usage: npm run token -- <userId> [ttlSeconds] [grantsJson]   (compiled: node dist/tools/token.js <userId> [ttlSeconds] [grantsJson])\n' +
  `  grantsJson: e.g. '{"anchor":["*"],"cohost":true,"pair":false}'; without it the token gets AUTH_DEFAULT_GRANTS`;

const [userId, ttl, grantsJson, ...extra] = process.argv.slice(2);
const ttlS = Number(ttl ?? 3600);
if (!userId || !Number.isInteger(ttlS) || ttlS <= 0 || extra.length > 0) {
  console.error(USAGE);
  process.exit(2);
}

const readGrants = (json: string | undefined): Grants | undefined => {
  if (json === undefined) return undefined;
  let claim: unknown;
  try {
    claim = JSON.parse(json);
  } catch {
    console.error(`grants: not valid JSON: ${json}\n${USAGE}`);
    process.exit(2);
  }
  const parsed = parseGrants(claim, NO_GRANTS);
  if (!parsed.ok) {
    console.error(`${parsed.message}\n${USAGE}`);
    process.exit(2);
  }
  return parsed.grants;
};
const grants = readGrants(grantsJson);

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
console.log(await mint(userId, ttlS, grants));
