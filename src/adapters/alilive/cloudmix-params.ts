import type { Pane } from '../../core/mix-layout.js';
import { CLOUDMIX_MAX_INPUTS, type CloudMixInput, type CloudMixTask } from './cloudmix-types.js';

/** What every cloud-mix call of a deployment shares. */
export interface CloudMixSettings {
  /** DomainName: the streaming domain mixing is enabled on (cn-shanghai or cn-beijing only). */
  domain: string;
  /** AppName of the output streams. */
  appName: string;
  /** RegionId. */
  region: string;
  /** OutputConfig.MixStreamTemplate (e.g. `lp_ld`). */
  template: string;
  /** OutputConfig.ExpireDuration, seconds. */
  expireS: number;
}

type Params = Record<string, string>;

/**
 * A layout's panes paired with the inputs' signed pull URLs, in order: pane i is LayoutChildId i + 1.
 * @example inputsFor(layoutFor(urls.length, style).panes, urls)
 */
export const inputsFor = (panes: readonly Pane[], urls: readonly string[]): CloudMixInput[] => {
  if (panes.length !== urls.length) throw new RangeError(`${panes.length} panes for ${urls.length} inputs`);
  return panes.map((pane, i) => ({ layoutChildId: i + 1, url: urls[i]!, x: pane.x, y: pane.y, w: pane.w, h: pane.h }));
};

/**
 * InputStreamList: a bare JSON array with PascalCase keys, for Create and Update alike. The vendor's
 * UpdateMixStream example wraps it in an object and older SDKs use lowerCamel LayoutConfig keys
 * (alilive-current Q5); the parameter description says "a JSON array", which is what is sent. Key order
 * is the documented example's, so the string is byte-for-byte the one in the §6.5 signing vector.
 */
export const inputStreamList = (inputs: readonly CloudMixInput[]): string =>
  JSON.stringify(
    inputs.map((i) => ({
      LayoutChildId: i.layoutChildId,
      ResourceType: 'live',
      ResourceValue: i.url,
      LayoutConfig: {
        FillMode: 'fit',
        PositionRefer: 'topLeft',
        FillPositionNormalized: [i.x, i.y],
        FillSizeNormalized: [i.w, i.h],
      },
    })),
  );

export const createParams = (
  s: CloudMixSettings,
  p: { layoutId: string; inputs: readonly CloudMixInput[]; outputStream: string; callbackUrl?: string | undefined },
): Params => ({
  RegionId: s.region,
  DomainName: s.domain,
  LayoutId: p.layoutId,
  InputStreamList: inputStreamList(p.inputs),
  OutputConfig: JSON.stringify({
    AppName: s.appName,
    StreamName: p.outputStream,
    MixStreamTemplate: s.template,
    ExpireDuration: String(s.expireS),
  }),
  ...(p.callbackUrl ? { CallbackConfig: JSON.stringify({ CallbackUrl: p.callbackUrl }) } : {}),
});

export const updateParams = (
  s: CloudMixSettings,
  p: { taskId: string; layoutId: string; inputs: readonly CloudMixInput[] },
): Params => ({
  RegionId: s.region,
  DomainName: s.domain,
  MixStreamId: p.taskId,
  LayoutId: p.layoutId,
  InputStreamList: inputStreamList(p.inputs),
});

/** DeleteMixStream's DomainName is the output's domain; AppName / StreamName pin the output as well. */
export const deleteParams = (s: CloudMixSettings, p: { taskId: string; outputStream: string }): Params => ({
  RegionId: s.region,
  DomainName: s.domain,
  MixStreamId: p.taskId,
  AppName: s.appName,
  StreamName: p.outputStream,
});

export const listParams = (s: CloudMixSettings, pageNo: number, pageSize: number): Params => ({
  RegionId: s.region,
  DomainName: s.domain,
  PageNo: String(pageNo),
  PageSize: String(pageSize),
});

const NAME = /^[A-Za-z0-9_-]{1,128}$/;
const unit = (v: number): boolean => Number.isFinite(v) && v >= 0 && v <= 1;

/** Why a request cannot be sent as given (a bug of the caller), or null. Checked before any call. */
export const badInputs = (inputs: readonly CloudMixInput[]): string | null => {
  if (inputs.length === 0 || inputs.length > CLOUDMIX_MAX_INPUTS) {
    return `a mix takes 1–${CLOUDMIX_MAX_INPUTS} inputs`;
  }
  const ids = new Set<number>();
  for (const i of inputs) {
    if (!Number.isInteger(i.layoutChildId) || i.layoutChildId < 1 || ids.has(i.layoutChildId))
      return 'layoutChildId must be distinct positive integers';
    ids.add(i.layoutChildId);
    if (typeof i.url !== 'string' || !/^(rtmps?|https?):\/\/\S+$/.test(i.url))
      return 'each input needs an rtmp(s) or http(s) pull URL';
    if (![i.x, i.y, i.w, i.h].every(unit) || i.w === 0 || i.h === 0 || i.x + i.w > 1 + 1e-9 || i.y + i.h > 1 + 1e-9) {
      return 'each pane must lie inside the canvas (fractions 0..1)';
    }
  }
  return null;
};

export const badName = (what: string, name: string): string | null =>
  typeof name === 'string' && NAME.test(name) ? null : `${what} must be 1–128 of [A-Za-z0-9_-]`;

export interface TaskPage {
  tasks: CloudMixTask[];
  total: number;
  /** Items without a usable id, skipped. */
  skipped: number;
}

type Item = {
  MixstreamId?: unknown;
  MixStreamId?: unknown;
  AppName?: unknown;
  StreamName?: unknown;
  InputStreamNumber?: unknown;
};
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * One DescribeMixStreamList page, or null when the answer is not the documented shape. The item key is
 * spelled `MixstreamId` (lower-case s) in the model; `MixStreamId` is read as well, in case it is fixed.
 */
export const parseTaskPage = (body: unknown): TaskPage | null => {
  const b = (body && typeof body === 'object' ? body : {}) as { MixStreamList?: unknown; Total?: unknown };
  if (!Array.isArray(b.MixStreamList)) return null;
  const tasks: CloudMixTask[] = [];
  let skipped = 0;
  for (const raw of b.MixStreamList as unknown[]) {
    const item = (raw && typeof raw === 'object' ? raw : {}) as Item;
    const taskId = str(item.MixstreamId) ?? str(item.MixStreamId);
    if (!taskId) {
      skipped += 1;
      continue;
    }
    const inputs = Number(item.InputStreamNumber);
    tasks.push({
      taskId,
      app: str(item.AppName) ?? '',
      stream: str(item.StreamName) ?? '',
      inputs: Number.isInteger(inputs) && inputs >= 0 ? inputs : 0,
    });
  }
  const total = Number(b.Total);
  return { tasks, total: Number.isInteger(total) && total >= 0 ? total : tasks.length + skipped, skipped };
};
