import type { Clock } from '../../../app/ports.js';
import { createCloudMixActions } from './cloudmix-actions.js';
import type { CloudMixWorld } from './cloudmix-world.js';
import { MAIN_STREAM_NOT_READY, type LiveWorld } from './live-world.js';
import { popError, type Action, type ActionResult, type Params } from './pop-result.js';

export { popError, type Action, type ActionResult, type Params } from './pop-result.js';

export interface ActionDeps {
  world: LiveWorld;
  appName: string;
  clock: Clock;
  /** When set, every DomainName parameter must be one of these (else `InvalidDomain.NotFound`). */
  domains?: readonly string[] | undefined;
  cloudmix: CloudMixWorld;
  /** False: Start/StopMixStreamsService answer `InvalidAction.NotFound`, as an AliLive that retired them would. */
  legacyMix: boolean;
  cloudmixQps: number;
  cloudmixListQps: number;
}

const SIX = ['MainDomainName', 'MainAppName', 'MainStreamName', 'MixDomainName', 'MixAppName', 'MixStreamName'];
const MIX_TYPES = ['channel', 'stream'];
const MIX_TEMPLATES = ['picture_in_picture', 'side_by_side'];
const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const mixInfo = (p: Params) => ({
  MixStreamsInfoList: {
    MixStreamsInfo: [{ DomainName: p.MainDomainName, AppName: p.MainAppName, StreamName: p.MainStreamName }],
  },
});
const invalid = (name: string, value: string): ActionResult =>
  popError(400, 'InvalidParameter', `The specified parameter "${name}" is not valid: ${value}`);

export const createActions = (deps: ActionDeps): ReadonlyMap<string, Action> => {
  const { world } = deps;
  const badDomain = (...names: string[]): ActionResult | null => {
    const bad = deps.domains ? names.find((d) => !deps.domains!.includes(d)) : undefined;
    return bad === undefined ? null : popError(404, 'InvalidDomain.NotFound', `The domain ${bad} does not exist.`);
  };

  const start: Action = {
    required: [...SIX, 'MixTemplate', 'MixType'],
    run: (p) => {
      if (!MIX_TYPES.includes(p.MixType!)) return invalid('MixType', p.MixType!);
      if (!MIX_TEMPLATES.includes(p.MixTemplate!)) return invalid('MixTemplate', p.MixTemplate!);
      const domain = badDomain(p.MainDomainName!, p.MixDomainName!);
      if (domain) return domain;
      const r = world.startMix({
        mainDomain: p.MainDomainName!,
        mainApp: p.MainAppName!,
        main: p.MainStreamName!,
        mixDomain: p.MixDomainName!,
        mixApp: p.MixAppName!,
        mix: p.MixStreamName!,
        type: p.MixType!,
        template: p.MixTemplate!,
      });
      return r.ok ? { ok: true, body: mixInfo(p) } : popError(404, MAIN_STREAM_NOT_READY, r.message);
    },
  };

  const stop: Action = {
    required: SIX,
    run: (p) =>
      badDomain(p.MainDomainName!, p.MixDomainName!) ??
      (world.stopMix(p.MainStreamName!, p.MixStreamName!), { ok: true, body: mixInfo(p) }),
  };

  const forbid: Action = {
    required: ['DomainName', 'AppName', 'StreamName', 'LiveStreamType'],
    run: (p) => {
      if (p.LiveStreamType !== 'publisher') return invalid('LiveStreamType', p.LiveStreamType!);
      const resume = p.ResumeTime;
      if (resume !== undefined && !UTC_SECONDS.test(resume)) {
        return popError(400, 'InvalidResumeTime.Malformed', 'Specified parameter ResumeTime is not valid.');
      }
      const domain = badDomain(p.DomainName!);
      if (domain) return domain;
      if (p.AppName === deps.appName)
        world.forbid(p.StreamName!, resume ? Date.parse(resume) : null, p.Oneshot === 'yes');
      return { ok: true, body: {} };
    },
  };

  const onlineList: Action = {
    required: ['DomainName'],
    run: (p) => {
      const domain = badDomain(p.DomainName!);
      if (domain) return domain;
      const strict = p.QueryType === 'strict';
      const wanted = p.StreamName;
      const appOk = p.AppName === undefined || p.AppName === deps.appName;
      const named = (n: string) => !wanted || (strict ? n === wanted : n.includes(wanted));
      const pushed = world
        .online()
        .filter((n) => appOk && named(n))
        .map((StreamName) => ({ AppName: deps.appName, StreamName }));
      // Mixed outputs are produced on their task's domain, under the task's app.
      const mixed = deps.cloudmix
        .online()
        .filter((o) => o.domain === p.DomainName && (p.AppName === undefined || p.AppName === o.app) && named(o.stream))
        .map((o) => ({ AppName: o.app, StreamName: o.stream }));
      const publishTime = new Date(deps.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const info = [...pushed, ...mixed].map((s) => ({ DomainName: p.DomainName, ...s, PublishTime: publishTime }));
      return {
        ok: true,
        body: {
          PageNum: 1,
          PageSize: 2000,
          TotalNum: info.length,
          TotalPage: 1,
          OnlineInfo: { LiveStreamOnlineInfo: info },
        },
      };
    },
  };

  return new Map<string, Action>([
    ...(deps.legacyMix
      ? ([
          ['StartMixStreamsService', start],
          ['StopMixStreamsService', stop],
        ] as const)
      : []),
    ['ForbidLiveStream', forbid],
    ['DescribeLiveStreamsOnlineList', onlineList],
    ...createCloudMixActions({
      cloudmix: deps.cloudmix,
      qps: deps.cloudmixQps,
      listQps: deps.cloudmixListQps,
      badDomain,
    }),
  ]);
};
