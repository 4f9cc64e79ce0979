import { popError, type Action, type ActionResult, type Params } from './pop-result.js';
import type { TaskError } from './cloudmix-task.js';
import type { CloudMixWorld } from './cloudmix-world.js';
import {
  isLayoutId,
  parseCallbackConfig,
  parseInputList,
  parseOutputConfig,
  type Parsed,
} from './cloudmix-validate.js';

export interface CloudMixActionDeps {
  cloudmix: CloudMixWorld;
  /** Create/Update/Delete/Describe together (AliLive documents 10 per second for each). */
  qps: number;
  /** DescribeMixStreamList on its own (documented: 5). */
  listQps: number;
  badDomain(...names: string[]): ActionResult | null;
}

const invalid = (message: string): ActionResult => popError(400, 'InvalidParameter', message);
const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Error codes of the mix APIs are undocumented (alilive-current Q6). These follow the live APIs'
 * `Invalid<Thing>.<Reason>` / `QuotaExceeded` patterns; linkmic must only rely on them being non-retryable.
 */
const TASK_ERRORS: Record<TaskError, ActionResult> = {
  NotFound: popError(404, 'InvalidMixStreamId.NotFound', 'The specified MixStreamId does not exist.'),
  QuotaExceeded: popError(
    403,
    'QuotaExceeded.MixStream',
    'The number of concurrent mix stream tasks has reached the limit of this account.',
  ),
  OutputExists: popError(400, 'InvalidOutputConfig.StreamExists', 'A mix stream task already outputs to this stream.'),
  OutputMismatch: invalid('DomainName, AppName or StreamName is not the output of this MixStreamId.'),
};

const unwrap = <T>(r: Parsed<T>): T | ActionResult => (r.ok ? r.value : invalid(r.message));
const isResult = (v: unknown): v is ActionResult => typeof v === 'object' && v !== null && 'ok' in v;

/** CreateMixStream, UpdateMixStream, DeleteMixStream, DescribeMixStreamList (live 2016-11-01, §2). */
export const createCloudMixActions = (deps: CloudMixActionDeps): [string, Action][] => {
  const { cloudmix, badDomain } = deps;
  const account = [{ key: 'cloudmix', limit: deps.qps }];
  const layout = (id: string): ActionResult | null =>
    isLayoutId(id) ? null : invalid(`The specified parameter "LayoutId" is not valid: ${id}`);

  const create: Action = {
    required: ['DomainName', 'LayoutId', 'InputStreamList', 'OutputConfig'],
    qps: account,
    run: (p) => {
      const bad = layout(p.LayoutId!) ?? badDomain(p.DomainName!);
      if (bad) return bad;
      const inputs = unwrap(parseInputList(p.InputStreamList!, p.LayoutId!));
      if (isResult(inputs)) return inputs;
      const output = unwrap(parseOutputConfig(p.OutputConfig!));
      if (isResult(output)) return output;
      const callbackUrl = p.CallbackConfig === undefined ? null : unwrap(parseCallbackConfig(p.CallbackConfig));
      if (isResult(callbackUrl)) return callbackUrl;
      const made = cloudmix.create({ domain: p.DomainName!, layoutId: p.LayoutId!, inputs, output, callbackUrl });
      return typeof made === 'string' ? TASK_ERRORS[made] : { ok: true, body: { MixStreamId: made.id } };
    },
  };

  const update: Action = {
    required: ['DomainName', 'MixStreamId', 'InputStreamList'],
    qps: account,
    run: (p) => {
      const bad = (p.LayoutId === undefined ? null : layout(p.LayoutId)) ?? badDomain(p.DomainName!);
      if (bad) return bad;
      const current = cloudmix.list({ id: p.MixStreamId! })[0];
      if (!current) return TASK_ERRORS.NotFound;
      const inputs = unwrap(parseInputList(p.InputStreamList!, p.LayoutId ?? current.LayoutId, { wrapped: true }));
      if (isResult(inputs)) return inputs;
      const err = cloudmix.update(p.MixStreamId!, p.LayoutId, inputs);
      return err ? TASK_ERRORS[err] : { ok: true, body: { MixStreamId: p.MixStreamId } };
    },
  };

  const remove: Action = {
    required: ['DomainName', 'MixStreamId'],
    qps: account,
    run: (p) => {
      const bad = badDomain(p.DomainName!);
      if (bad) return bad;
      const err = cloudmix.remove(p.MixStreamId!, { domain: p.DomainName!, app: p.AppName, stream: p.StreamName });
      return err ? TASK_ERRORS[err] : { ok: true, body: { MixStreamId: p.MixStreamId } };
    },
  };

  const positive = (p: Params, name: string, max: number, fallback: number): number | ActionResult => {
    const raw = p[name];
    if (raw === undefined) return fallback;
    const n = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
    return n >= 1 && n <= max ? n : invalid(`The specified parameter "${name}" is not valid: ${raw}`);
  };

  const describe: Action = {
    required: [],
    qps: [...account, { key: 'cloudmix:list', limit: deps.listQps }],
    run: (p) => {
      const pageNo = positive(p, 'PageNo', 1_000_000, 1);
      if (isResult(pageNo)) return pageNo;
      const pageSize = positive(p, 'PageSize', 1000, 1000);
      if (isResult(pageSize)) return pageSize;
      for (const k of ['StartTime', 'EndTime'])
        if (p[k] !== undefined && !UTC_SECONDS.test(p[k]))
          return invalid(`The specified parameter "${k}" is not valid: ${p[k]}`);
      const all = cloudmix.list({ domain: p.DomainName, app: p.AppName, stream: p.StreamName, id: p.MixStreamId });
      return {
        ok: true,
        body: { Total: all.length, MixStreamList: all.slice((pageNo - 1) * pageSize, pageNo * pageSize) },
      };
    },
  };

  return [
    ['CreateMixStream', create],
    ['UpdateMixStream', update],
    ['DeleteMixStream', remove],
    ['DescribeMixStreamList', describe],
  ];
};
