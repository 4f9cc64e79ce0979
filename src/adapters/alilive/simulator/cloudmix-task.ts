import type { ParsedInput, ParsedOutput } from './cloudmix-validate.js';

/**
 * The body of a mixing-task callback (POST JSON to CallbackConfig.CallbackUrl). The real event names and
 * fields are undocumented (alilive-current §3.3, Q2): these are invented, plausible ones, so linkmic's
 * route is exercised with a body it must treat as opaque.
 */
export interface MixTaskEvent {
  MixStreamId: string;
  Event: 'MixStreamStart' | 'MixStreamStop' | 'InputChanged';
  DomainName: string;
  AppName: string;
  StreamName: string;
  /** Unix seconds. */
  Timestamp: number;
}

/** A mixing task as the simulator keeps it. */
export interface Task {
  id: string;
  domain: string;
  output: ParsedOutput;
  layoutId: string;
  inputs: ParsedInput[];
  callbackUrl: string | null;
  live: boolean;
  created: number;
  modified: number;
  starting: NodeJS.Timeout | null;
  expiry: NodeJS.Timeout | null;
}

export type TaskError = 'NotFound' | 'QuotaExceeded' | 'OutputExists' | 'OutputMismatch';

/** `rtmp://host/app/stream?…` (or `…/stream.flv`) → the stream, when it is one of ours. */
const ourStream = (url: string, appName: string): string | null => {
  try {
    const [app, file] = new URL(url).pathname.split('/').filter(Boolean);
    return app === appName && file ? file.replace(/\.(flv|m3u8)$/, '') : null;
  } catch {
    return null;
  }
};

const utc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The input in pane 1 (the lowest LayoutChildId) is the anchor's: its stream, when it is one of ours. */
export const anchorStream = (t: Task, appName: string): string | null => {
  const [first] = [...t.inputs].sort((a, b) => a.childId - b.childId);
  return first ? ourStream(first.url, appName) : null;
};

/** Where the task's output goes. */
export const outputOf = (t: Task) => ({ domain: t.domain, app: t.output.app, stream: t.output.stream });

/** The filters of DescribeMixStreamList; an unset field matches every task. */
export interface TaskFilter {
  domain?: string | undefined;
  app?: string | undefined;
  stream?: string | undefined;
  id?: string | undefined;
}

export const matchesFilter = (t: Task, f: TaskFilter): boolean =>
  (!f.domain || t.domain === f.domain) &&
  (!f.app || t.output.app === f.app) &&
  (!f.stream || t.output.stream === f.stream) &&
  (!f.id || t.id === f.id);

/** A task as DescribeMixStreamList lists it. */
export const describeTask = (t: Task) => ({
  MixstreamId: t.id,
  DomainName: t.domain,
  AppName: t.output.app,
  StreamName: t.output.stream,
  LayoutId: t.layoutId,
  InputStreamNumber: t.inputs.length,
  MixStreamTemplate: t.output.template,
  GmtCreate: utc(t.created),
  GmtModified: utc(t.modified),
});

/** A task as the simulator's `/_sim/state` shows it. */
export const taskState = (t: Task, appName: string) => ({
  id: t.id,
  domain: t.domain,
  app: t.output.app,
  stream: t.output.stream,
  layoutId: t.layoutId,
  template: t.output.template,
  live: t.live,
  callbackUrl: t.callbackUrl,
  inputs: t.inputs.map((i) => ({
    childId: i.childId,
    url: i.url,
    stream: ourStream(i.url, appName),
    pane: i.pane,
  })),
});
