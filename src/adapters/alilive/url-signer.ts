import type { Clock, SignedUrls } from '../../app/ports.js';
import type { StreamName } from '../../core/types.js';
import { md5hex } from '../digest.js';

/**
 * AliLive URL auth type A: `<ts>-<rand>-<uid>-md5hex("<uri>-<ts>-<rand>-<uid>-<key>")`.
 * `uri` is the path only (`/app/stream`, `/app/stream.flv`, …); query arguments are never hashed.
 * AliLive splits the value on `-`, so rand and uid must not contain one.
 */
export const authKey = (uri: string, key: string, ts: number, rand = '0', uid = '0'): string => {
  if (rand.includes('-') || uid.includes('-')) throw new Error('auth_key rand and uid must not contain "-"');
  return `${ts}-${rand}-${uid}-${md5hex(`${uri}-${ts}-${rand}-${uid}-${key}`)}`;
};

export interface UrlSignerDeps {
  pushDomain: string;
  playDomain: string;
  appName: string;
  /** Ingest domain's primary (or secondary) key; unset = unsigned push URLs. */
  pushKey?: string | undefined;
  /** Streaming domain's key; unset = unsigned play URLs. */
  playKey?: string | undefined;
  ttlS: number;
  clock: Clock;
  /** Per-URL nonce; AliLive recommends a UUID without hyphens. Default '0'. */
  rand?: () => string;
  /** Scheme of the FLV / HLS play URLs. Default 'https'. */
  playScheme?: 'http' | 'https';
}

export const createUrlSigner = (deps: UrlSignerDeps): SignedUrls => {
  const { pushDomain, playDomain, appName, pushKey, playKey, ttlS, clock } = deps;
  const rand = deps.rand ?? (() => '0');
  const scheme = deps.playScheme ?? 'https';
  // Older docs (and the demo servers) read the timestamp as the expiry; current docs add the domain's
  // configured validity on top of it. Either way a URL stops working no earlier than now + ttlS.
  const expiry = (): number => Math.floor(clock.now() / 1000) + ttlS;
  const sign = (uri: string, key: string | undefined): string =>
    key ? `?auth_key=${authKey(uri, key, expiry(), rand(), '0')}` : '';
  // Each URL kind hashes its own URI (FLV and HLS include the extension), so each gets its own auth_key.
  const path = (stream: StreamName, ext = ''): string => `/${appName}/${stream}${ext}`;

  return {
    push: (stream) => `rtmp://${pushDomain}${path(stream)}${sign(path(stream), pushKey)}`,
    play: (stream) => ({
      rtmp: `rtmp://${playDomain}${path(stream)}${sign(path(stream), playKey)}`,
      flv: `${scheme}://${playDomain}${path(stream, '.flv')}${sign(path(stream, '.flv'), playKey)}`,
      hls: `${scheme}://${playDomain}${path(stream, '.m3u8')}${sign(path(stream, '.m3u8'), playKey)}`,
    }),
    lowLatency: (stream) => `artc://${playDomain}${path(stream)}${sign(path(stream), playKey)}`,
  };
};
