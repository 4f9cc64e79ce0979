import { configShape, type RawConfig } from './shape.js';
import { configRefusal, DEV_JWT_SECRET } from './production-rules.js';

export { configShape, type RawConfig };

/** The keys, then the rules that look at several of them (`production-rules.ts`), one refusal at a time. */
export const configSchema = configShape.superRefine((c, ctx) => {
  if (c.REDIS_URL && c.REDIS_CLUSTER_NODES) {
    const message = 'set REDIS_URL (one server) or REDIS_CLUSTER_NODES (a cluster), not both';
    return void ctx.addIssue({ code: 'custom', path: ['REDIS_CLUSTER_NODES'], message });
  }
  const refusal = configRefusal(c);
  if (refusal) ctx.addIssue({ code: 'custom', path: [refusal.key], message: refusal.message });
});

/** Validated configuration with defaults derived from other keys (and from NODE_ENV) applied. */
export type Config = RawConfig & {
  ALILIVE_MIX_DOMAIN: string;
  ALILIVE_MODE: 'simulator' | 'cloud';
  AUTH_DEFAULT_GRANTS: 'open' | 'none';
  /** Unset only outside development and test, when app tokens are verified by AUTH_JWKS_URL / AUTH_JWT_PUBLIC_KEY alone. */
  AUTH_JWT_SECRET: string | undefined;
};

export { DEV_JWT_SECRET };
