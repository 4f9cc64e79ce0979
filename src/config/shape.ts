import { z } from 'zod';
import { faultKeys } from './fault-keys.js';
import { lifecycleKeys } from './lifecycle-keys.js';
import { parseClusterNodes } from './redis-cluster-nodes.js';
import { securityKeys } from './security-keys.js';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().positive();
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));
const url = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');
const domain = z.string().regex(/^[A-Za-z0-9.-]+(:[0-9]+)?$/, 'must be a host name');

const clusterNodesError = (v: string): string | null => {
  try {
    parseClusterNodes(v);
    return null;
  } catch (err) {
    return `must be host:port,host:port,… (${(err as Error).message})`;
  }
};

/** Every key of PROTOCOL §1, with the few operational extras it allows ("add to it freely"). */
export const configShape = z.object({
  /** Anything else is refused: a typo (`prod`, `Production`) must not fall back to development's defaults. */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
  ),
  /**
   * A Redis Cluster instead of REDIS_URL: `host:port,host:port,…` of some of its masters. The same key layout
   * as on one server (src/adapters/store/redis-keys.ts): a room's keys share a hash tag, so each script
   * touches one slot. Redis ≥ 7 (sharded pub/sub for the socket.io adapter).
   */
  REDIS_CLUSTER_NODES: optionalString.pipe(
    z
      .string()
      .superRefine((v, ctx) => {
        const message = clusterNodesError(v);
        if (message) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
  ),
  ...securityKeys,
  ...lifecycleKeys,
  ...faultKeys,
  /** No default here: `simulator` is applied in development and test, and outside them it must be chosen. */
  ALILIVE_MODE: z.enum(['simulator', 'cloud']).optional(),
  ALILIVE_ENDPOINT: url.default('https://live.aliyuncs.com'),
  ALILIVE_ACCESS_KEY_ID: optionalString,
  ALILIVE_ACCESS_KEY_SECRET: optionalString,
  ALILIVE_PUSH_DOMAIN: domain.default('push.example.com'),
  ALILIVE_PLAY_DOMAIN: domain.default('play.example.com'),
  ALILIVE_APP_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_-]')
    .default('linkmic'),
  ALILIVE_MIX_DOMAIN: domain.optional(),
  ALILIVE_MIX_TEMPLATE: z.enum(['picture_in_picture', 'side_by_side']).default('picture_in_picture'),
  /** Which mixing API: the seed's StartMixStreamsService (`legacy`) or CreateMixStream (`cloudmix`). */
  ALILIVE_MIXER: z.enum(['legacy', 'cloudmix']).default('legacy'),
  /** cloudmix: OutputConfig.MixStreamTemplate, the output's transcoding template. */
  ALILIVE_CLOUDMIX_TEMPLATE: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/, 'must be a template name such as lp_ld')
    .default('lp_ld'),
  /** cloudmix: OutputConfig.ExpireDuration, after which AliLive ends a task by itself. */
  ALILIVE_CLOUDMIX_EXPIRE_S: z.coerce.number().int().positive().max(999_999_999).default(86_400),
  /** RegionId of the cloud-mix calls; the mix domain must be in cn-shanghai or cn-beijing. */
  ALILIVE_REGION: z
    .string()
    .regex(/^[a-z]{2,}-[a-z0-9-]+$/, 'must be a region id such as cn-shanghai')
    .default('cn-shanghai'),
  /** cloudmix: picture-in-picture (anchor full screen) or a grid. */
  ALILIVE_MIX_LAYOUT: z.enum(['pip', 'grid']).default('pip'),
  /** cloudmix: how often each node deletes mixing tasks no live room claims (left by a node that died mid-call). */
  MIX_SWEEP_S: z.coerce.number().int().min(5).max(86_400).default(60),
  ALILIVE_PUSH_AUTH_KEY: optionalString,
  ALILIVE_PLAY_AUTH_KEY: optionalString,
  ALILIVE_URL_TTL_S: z.coerce.number().int().positive().default(3600),
  ALILIVE_CALLBACK_AUTH_KEY: optionalString,
  ALILIVE_CALL_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  ALILIVE_CALL_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  CALLBACK_TOKEN: optionalString,
  /** Where the embedded simulator sends its callbacks; default: this server. */
  PUBLIC_URL: url.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * `off` (default): WebSocket only, so any load balancer works; `on`: long-polling too (socket.io clients'
   * default first transport), for deployments whose load balancer keeps each client on one node.
   */
  SOCKET_POLLING: z.enum(['on', 'off'], { error: "must be 'on' or 'off'" }).default('off'),
  MAX_COHOSTS: z.coerce.number().int().min(1).max(16).default(1),
  /** Pending co-host requests a room holds at once (a hand-raise beyond is refused with `limit`). */
  MAX_PENDING_REQUESTS: z.coerce.number().int().min(1).max(1000).default(50),
  /** How long a closed room's id stays its last anchor's; default: ALILIVE_URL_TTL_S (its push URLs have expired). */
  ROOM_HOLD_S: z.coerce.number().int().min(0).optional(),
  TIMEOUT_REQUEST: seconds.default(30),
  TIMEOUT_PUBLISH: seconds.default(30),
  TIMEOUT_STREAM_LOST: seconds.default(15),
  TIMEOUT_MIX_AVAILABLE: seconds.default(60),
  TIMEOUT_ANCHOR_DISCONNECT: seconds.default(30),
  MIX_RETRIES: z.coerce.number().int().min(0).max(20).default(3),
  MIX_RETRY_BASE_MS: z.coerce.number().int().positive().default(1000),
  /**
   * An InternalError MixResult like the last, this soon after it, is taken for AliLive resending it (it resends
   * until it sees a 200, seconds apart) and counts once; if no Success follows by the window's end, that counts.
   */
  MIX_REDELIVERY_WINDOW_MS: z.coerce.number().int().min(0).max(120_000).default(15_000),
  /** Multi-node: how often a node proves it is alive, and after how long without proof its sockets count as gone. */
  NODE_HEARTBEAT_MS: z.coerce.number().int().positive().default(2000),
  NODE_DEAD_AFTER_MS: z.coerce.number().int().positive().default(10_000),
  /** Entries kept per room in the audit trail (the operator view's timeline); 0 = no trail. */
  AUDIT_MAX_ENTRIES: z.coerce.number().int().min(0).max(10_000).default(200),
  /** A room's audit trail is dropped this long after its last entry. */
  AUDIT_TTL_S: z.coerce.number().int().positive().default(86_400),
  SIMULATOR_MIX_AVAILABLE_DELAY_MS: z.coerce.number().int().min(0).default(500),
  SIMULATOR_MIX_RESULT_DELAY_MS: z.coerce.number().int().min(0).default(200),
});

export type RawConfig = z.infer<typeof configShape>;
