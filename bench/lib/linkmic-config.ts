import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

/** The callback token every bench callback carries (a realistic deployment sets one; checking it costs two SHA-256). */
export const BENCH_CALLBACK_TOKEN = 'bench-callback-token';
export const BENCH_APP = 'linkmic';

/**
 * config/default.json + these overrides: loopback, a free port, no logging (the duplicate path logs only at
 * debug anyway), the embedded AliLive. `REDIS_URL` switches the store to Redis. NODE_ENV=development: no
 * config/<env>.json layer on top of the defaults, the dev secret and open grants, as benches always had.
 */
export const benchConfig = (env: Record<string, string> = {}): Config =>
  loadConfig({
    dir: fileURLToPath(new URL('../../config', import.meta.url)),
    env: {
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ALILIVE_MODE: 'simulator',
      CALLBACK_TOKEN: BENCH_CALLBACK_TOKEN,
      ALILIVE_APP_NAME: BENCH_APP,
      ...env,
    },
  });

/** Query strings of the callbacks AliLive sends (PROTOCOL §3), with the bench token. */
export const streamCallbackPath = (action: 'publish' | 'publish_done', stream: string, time?: number): string =>
  `/callbacks/alilive/stream?action=${action}&appname=${BENCH_APP}&id=${encodeURIComponent(stream)}` +
  `&app=push.example.com${time === undefined ? '' : `&time=${time}`}&token=${BENCH_CALLBACK_TOKEN}`;

export const mixAvailablePath = (stream: string): string =>
  `/callbacks/alilive/mix-available?Stream=${encodeURIComponent(stream)}&App=${BENCH_APP}&Domain=push.example.com` +
  `&token=${BENCH_CALLBACK_TOKEN}`;

/** A MixResult callback as AliLive sends it (seed §2.3), with the bench token. */
export const mixResultPath = (main: string, mix: string, code: string): string =>
  `/callbacks/alilive/mix-result?MainMixDomain=play.example.com&MainMixApp=${BENCH_APP}&MainMixStream=${encodeURIComponent(main)}` +
  `&MixDomain=play.example.com&MixApp=${BENCH_APP}&MixStream=${encodeURIComponent(mix)}&MixType=channel` +
  `&MixTemplate=picture_in_picture&Event=MixResult&Code=${code}&Message=${code}&token=${BENCH_CALLBACK_TOKEN}`;
