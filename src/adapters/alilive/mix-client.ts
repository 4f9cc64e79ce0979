import type { Clock, MixClient, StartMixOutcome } from '../../app/ports.js';
import type { StreamName } from '../../core/types.js';
import type { Logger } from '../../observability/logger.js';
import { createPopCaller, type PopObserver, type PopResult } from './pop-caller.js';
import type { BackoffPolicy } from './retry.js';

export interface MixClientDeps {
  endpoint: string | (() => string);
  accessKeyId: string;
  accessKeySecret: string;
  /** DomainName of the mix APIs and of the online check (the streaming domain enabled for co-hosting). */
  mixDomain: string;
  appName: string;
  template: string;
  timeoutMs: number;
  retries: number;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  backoff?: Partial<BackoffPolicy>;
  /** DomainName for ForbidLiveStream, which current docs call the ingest domain. Default: mixDomain. */
  forbidDomain?: string | undefined;
  /** With a clock, ForbidLiveStream sets ResumeTime = now + this, so blacklist entries expire by themselves. */
  forbidResumeAfterS?: number | undefined;
  clock?: Clock | undefined;
  /** Told of every POP attempt (latency metrics, readiness). */
  observe?: PopObserver;
}

export interface AliLiveMixClient extends MixClient {
  /** Whether AliLive sees the stream being pushed; null when the question could not be answered. */
  isStreamOnline(stream: StreamName): Promise<boolean | null>;
}

type OnlineList = { OnlineInfo?: { LiveStreamOnlineInfo?: Array<{ StreamName?: string; AppName?: string }> } };

const outcome = (r: PopResult<unknown>): StartMixOutcome =>
  r.ok
    ? { ok: true, requestId: r.requestId }
    : { ok: false, code: r.code, requestId: r.requestId, retryable: r.retryable };

// UTC without milliseconds, the format AliLive's time parameters use.
const utcSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The MixClient port over AliLive's legacy mixing API (live 2016-11-01). Parameter names were checked
 * against aliyun-openapi-meta `live/*.json` and the API reference pages:
 * - Start/StopMixStreamsService take the `Main*` / `Mix*` six names; Start adds `MixType`, `MixTemplate`.
 * - ForbidLiveStream requires `DomainName`, `AppName`, `StreamName`, `LiveStreamType` (only `publisher`);
 *   `ResumeTime` (UTC `yyyy-MM-ddTHH:mm:ssZ`) and `Oneshot` are optional. Without `Oneshot=yes` the stream
 *   is blacklisted (10,000 per account), which is what keeps a kicked co-host from pushing again.
 * - DescribeLiveStreamsOnlineList requires `DomainName`; `StreamName` matches fuzzily unless
 *   `QueryType=strict`, so the answer is also compared by name here.
 */
export const createMixClient = (deps: MixClientDeps): AliLiveMixClient => {
  const { mixDomain, appName } = deps;
  const pop = createPopCaller({
    endpoint: deps.endpoint,
    accessKeyId: deps.accessKeyId,
    accessKeySecret: deps.accessKeySecret,
    apiVersion: '2016-11-01',
    timeoutMs: deps.timeoutMs,
    retries: deps.retries,
    logger: deps.logger.child({ module: 'alilive-mix' }),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.backoff ? { backoff: deps.backoff } : {}),
    ...(deps.observe ? { observe: deps.observe } : {}),
  });

  const pair = (main: StreamName, mix: StreamName) => ({
    MainDomainName: mixDomain,
    MainAppName: appName,
    MainStreamName: main,
    MixDomainName: mixDomain,
    MixAppName: appName,
    MixStreamName: mix,
  });

  const forbidParams = (stream: StreamName): Record<string, string> => {
    const params: Record<string, string> = {
      DomainName: deps.forbidDomain ?? mixDomain,
      AppName: appName,
      StreamName: stream,
      LiveStreamType: 'publisher',
    };
    if (deps.clock && deps.forbidResumeAfterS) {
      params.ResumeTime = utcSeconds(deps.clock.now() + deps.forbidResumeAfterS * 1000);
    }
    return params;
  };

  return {
    startMix: async (main, mix) =>
      outcome(
        await pop.call('StartMixStreamsService', {
          ...pair(main, mix),
          MixType: 'channel',
          MixTemplate: deps.template,
        }),
      ),
    stopMix: async (main, mix) => outcome(await pop.call('StopMixStreamsService', pair(main, mix))),
    forbidStream: async (stream) => outcome(await pop.call('ForbidLiveStream', forbidParams(stream))),
    isStreamOnline: async (stream) => {
      const r = await pop.call<OnlineList>('DescribeLiveStreamsOnlineList', {
        DomainName: mixDomain,
        AppName: appName,
        StreamName: stream,
        QueryType: 'strict',
      });
      if (!r.ok) return null;
      const list = r.body?.OnlineInfo?.LiveStreamOnlineInfo;
      return Array.isArray(list) && list.some((s) => s.StreamName === stream && (s.AppName ?? appName) === appName);
    },
  };
};
