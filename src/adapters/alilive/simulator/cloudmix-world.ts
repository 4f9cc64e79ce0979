import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../app/ports.js';
import type { Logger } from '../../../observability/logger.js';
import {
  anchorStream,
  describeTask,
  matchesFilter,
  outputOf,
  taskState,
  type MixTaskEvent,
  type Task,
  type TaskError,
  type TaskFilter,
} from './cloudmix-task.js';
import type { ParsedInput, ParsedOutput } from './cloudmix-validate.js';

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

/** setTimeout's limit; a longer ExpireDuration outlives any simulator run. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Cloud mixing tasks: the 10-task account limit, an output stream that exists while the anchor input pushes. */
export const createCloudMixWorld = (deps: CloudMixWorldDeps) => {
  const tasks = new Map<string, Task>();
  const log = deps.logger;

  const anchorOf = (t: Task): string | null => anchorStream(t, deps.appName);
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
    deps.streamEvent('publish_done', outputOf(t));
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
      deps.streamEvent('publish', outputOf(t));
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

  const list = (f: TaskFilter) => [...tasks.values()].filter((t) => matchesFilter(t, f)).map(describeTask);

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
    online: () => [...tasks.values()].filter((t) => t.live).map(outputOf),
    state: () => [...tasks.values()].map((t) => taskState(t, deps.appName)),
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
