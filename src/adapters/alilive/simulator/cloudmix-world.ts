import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../app/ports.js';
import type { Logger } from '../../../observability/logger.js';
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

export interface CloudMixWorldDeps {
  /** Inputs on this app are linkmic's streams; the anchor input's push decides whether the output exists. */
  appName: string;
  isPushing(stream: string): boolean;
  maxTasks: number;
  /** From "the anchor input is pushing" to the output's publish callback. */
  outputDelayMs: number;
  clock: Clock;
  /** A stream callback for an output stream, on its own (mix) domain. */
  streamEvent(action: 'publish' | 'publish_done', out: { domain: string; app: string; stream: string }): void;
  taskEvent(url: string, body: MixTaskEvent): void;
  logger: Logger;
}

interface Task {
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

/** setTimeout's limit; a longer ExpireDuration outlives any simulator run. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const utc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Cloud mixing tasks: the 10-task account limit, an output stream that exists while the anchor input pushes. */
export const createCloudMixWorld = (deps: CloudMixWorldDeps) => {
  const tasks = new Map<string, Task>();
  const log = deps.logger;

  /** The input in pane 1 (the lowest LayoutChildId) is the anchor's. */
  const anchorOf = (t: Task): string | null =>
    ourStream([...t.inputs].sort((a, b) => a.childId - b.childId)[0]!.url, deps.appName);
  const out = (t: Task) => ({ domain: t.domain, app: t.output.app, stream: t.output.stream });
  const notify = (t: Task, Event: MixTaskEvent['Event']): void => {
    if (!t.callbackUrl) return;
    deps.taskEvent(t.callbackUrl, {
      MixStreamId: t.id,
      Event,
      DomainName: t.domain,
      AppName: t.output.app,
      StreamName: t.output.stream,
      Timestamp: Math.floor(deps.clock.now() / 1000),
    });
  };

  const goDown = (t: Task): void => {
    if (t.starting) {
      clearTimeout(t.starting);
      t.starting = null;
    }
    if (!t.live) return;
    t.live = false;
    deps.streamEvent('publish_done', out(t));
    notify(t, 'MixStreamStop');
  };

  /** Brings the output up (after the delay) or down to match whether the anchor input is pushing. */
  const settle = (t: Task): void => {
    const anchor = anchorOf(t);
    if (!(anchor !== null && deps.isPushing(anchor))) return goDown(t);
    if (t.live || t.starting) return;
    t.starting = setTimeout(() => {
      t.starting = null;
      if (tasks.get(t.id) !== t || t.live) return;
      const now = anchorOf(t);
      if (now === null || !deps.isPushing(now)) return;
      t.live = true;
      deps.streamEvent('publish', out(t));
      notify(t, 'MixStreamStart');
    }, deps.outputDelayMs);
  };

  const end = (t: Task): void => {
    goDown(t);
    if (t.expiry) clearTimeout(t.expiry);
    tasks.delete(t.id);
  };

  const create = (p: {
    domain: string;
    layoutId: string;
    inputs: ParsedInput[];
    output: ParsedOutput;
    callbackUrl: string | null;
  }): { id: string } | TaskError => {
    if (tasks.size >= deps.maxTasks) return 'QuotaExceeded';
    const clash = [...tasks.values()].some(
      (t) => t.domain === p.domain && t.output.app === p.output.app && t.output.stream === p.output.stream,
    );
    if (clash) return 'OutputExists';
    const now = deps.clock.now();
    const t: Task = { id: randomUUID(), ...p, live: false, created: now, modified: now, starting: null, expiry: null };
    // ExpireDuration presumably ends the task by itself (Q4); modelled so.
    if (p.output.expireS !== null && p.output.expireS * 1000 <= MAX_TIMER_MS) {
      t.expiry = setTimeout(
        () => (log.debug({ task: t.id }, 'sim: mix task expired'), end(t)),
        p.output.expireS * 1000,
      );
    }
    tasks.set(t.id, t);
    settle(t);
    log.debug({ task: t.id, inputs: p.inputs.length }, 'sim: mix task created');
    return { id: t.id };
  };

  const update = (id: string, layoutId: string | undefined, inputs: ParsedInput[]): TaskError | null => {
    const t = tasks.get(id);
    if (!t) return 'NotFound';
    t.inputs = inputs;
    if (layoutId) t.layoutId = layoutId;
    t.modified = deps.clock.now();
    notify(t, 'InputChanged');
    settle(t);
    return null;
  };

  const remove = (
    id: string,
    output: { domain: string; app?: string | undefined; stream?: string | undefined },
  ): TaskError | null => {
    const t = tasks.get(id);
    if (!t) return 'NotFound';
    if (
      t.domain !== output.domain ||
      (output.app ?? t.output.app) !== t.output.app ||
      (output.stream ?? t.output.stream) !== t.output.stream
    ) {
      return 'OutputMismatch';
    }
    end(t);
    return null;
  };

  const list = (f: {
    domain?: string | undefined;
    app?: string | undefined;
    stream?: string | undefined;
    id?: string | undefined;
  }) =>
    [...tasks.values()]
      .filter(
        (t) =>
          (!f.domain || t.domain === f.domain) &&
          (!f.app || t.output.app === f.app) &&
          (!f.stream || t.output.stream === f.stream) &&
          (!f.id || t.id === f.id),
      )
      .map((t) => ({
        MixstreamId: t.id,
        DomainName: t.domain,
        AppName: t.output.app,
        StreamName: t.output.stream,
        LayoutId: t.layoutId,
        InputStreamNumber: t.inputs.length,
        MixStreamTemplate: t.output.template,
        GmtCreate: utc(t.created),
        GmtModified: utc(t.modified),
      }));

  /** A linkmic stream started or stopped pushing: outputs that depend on it follow. */
  const onPush = (stream: string): void => {
    for (const t of tasks.values()) if (anchorOf(t) === stream) settle(t);
  };

  return {
    create,
    update,
    remove,
    list,
    onPush,
    /** Output streams being produced, for DescribeLiveStreamsOnlineList. */
    online: () => [...tasks.values()].filter((t) => t.live).map(out),
    state: () =>
      [...tasks.values()].map((t) => ({
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
          stream: ourStream(i.url, deps.appName),
          pane: i.pane,
        })),
      })),
    close: (): void => {
      for (const t of tasks.values()) {
        if (t.starting) clearTimeout(t.starting);
        if (t.expiry) clearTimeout(t.expiry);
      }
      tasks.clear();
    },
  };
};

export type CloudMixWorld = ReturnType<typeof createCloudMixWorld>;
