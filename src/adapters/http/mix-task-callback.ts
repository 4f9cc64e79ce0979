import type { Request, Response } from 'express';
import type { CallbackHandler, FactOutcome } from './callback-handler.js';

/** One mixing-task callback, keyed by the task id (CreateMixStream's `MixStreamId`). */
export interface MixTaskEvent {
  taskId: string;
  /**
   * The task's output stream: linkmic puts it in the callback URL it gives AliLive (`?stream=`), since the
   * body's fields are not documented; a body's own `StreamName` is the fallback.
   */
  stream: string | null;
  /** The body's event name, if it has a recognisable one (the fields are not documented). */
  event: string | null;
  /** The whole JSON body, objects without prototypes. */
  body: unknown;
}
export type OnTaskEvent = (event: MixTaskEvent) => Promise<FactOutcome | void> | FactOutcome | void;

/** Names the task id goes by in AliLive's bodies (MixStreamId in the API; the others seen in sibling APIs). */
const TASK_ID_KEYS = ['MixStreamId', 'MixstreamId', 'TaskId', 'taskId'];
const EVENT_KEYS = ['Event', 'EventType', 'EventName', 'event', 'eventType', 'Action'];
/** How deep into nested objects the keys are looked for (e.g. `{ "Data": { "MixStreamId": … } }`). */
const MAX_DEPTH = 3;
const MAX_LOGGED = 8_192;

/** JSON whose every object has no prototype: an own `__proto__` member stays just a member. */
const parseJson = (text: string): unknown =>
  JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (Object.assign(Object.create(null), value) as unknown)
      : value,
  );

/** The first of `keys` holding a scalar, breadth first through nested objects. */
export const findScalar = (body: unknown, keys: readonly string[]): string | null => {
  let level: unknown[] = [body];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth += 1) {
    const next: unknown[] = [];
    for (const node of level) {
      if (typeof node !== 'object' || node === null) continue;
      const record = node as Record<string, unknown>;
      for (const key of keys) {
        const v = Object.hasOwn(record, key) ? record[key] : undefined;
        if ((typeof v === 'string' && v !== '' && v.length <= 256) || typeof v === 'number') return String(v);
      }
      next.push(...(Array.isArray(node) ? (node as unknown[]) : Object.values(record)));
    }
    level = next;
  }
  return null;
};

/** The `stream` query parameter of the callback URL, if it is a plausible stream name. */
const streamOf = (url: string): string | null => {
  const value = new URL(url, 'http://callback').searchParams.get('stream');
  return value !== null && /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : null;
};

/** The body as it may be logged: URL auth keys, the `token` parameter and the callback token itself blanked. */
export const redact = (text: string, configuredToken: string | undefined): string => {
  let out = text.replace(/((?:auth_key|token)=)[^&"\s\\]*/gi, '$1<redacted>');
  if (configuredToken) out = out.split(configuredToken).join('<redacted>');
  return out.length > MAX_LOGGED ? `${out.slice(0, MAX_LOGGED)}…` : out;
};

export interface MixTaskRouteDeps {
  handler: Pick<CallbackHandler, 'authorizeToken' | 'observer' | 'log'>;
  readBody(req: Request, res: Response): Promise<void>;
  configuredToken: string | undefined;
  onTaskEvent?: OnTaskEvent | undefined;
}

/**
 * `POST /callbacks/alilive/mix-task` (and `/<token>/mix-task`): the same token check as every callback,
 * then always 200 for an authenticated request — the body's fields are not documented (alilive-current
 * §3.3), so one that cannot be understood is logged and changes nothing, and a resend would not help.
 */
export const createMixTaskRoute = ({ handler, readBody, configuredToken, onTaskEvent }: MixTaskRouteDeps) => {
  const route = 'mix-task';
  const ignored = (res: Response, reason: string, message: string): void => {
    handler.observer.ignored(route, reason);
    res.status(200).json({ ok: true, result: 'ignored', reason: message });
  };

  return async (req: Request, res: Response, token: unknown): Promise<void> => {
    const denied = handler.authorizeToken(route, token);
    if (denied) return void res.status(denied.status).json(denied.body);
    try {
      await readBody(req, res);
    } catch {
      handler.log.warn({ route }, 'mixing-task callback body unreadable');
      return ignored(res, 'unreadable_body', 'body not readable');
    }
    const text = typeof req.body === 'string' ? req.body : '';
    let body: unknown;
    try {
      body = parseJson(text);
    } catch {
      handler.log.warn({ route, body: redact(text, configuredToken) }, 'mixing-task callback is not JSON');
      return ignored(res, 'unreadable_body', 'body is not JSON');
    }
    const taskId = findScalar(body, TASK_ID_KEYS);
    const stream = streamOf(req.url) ?? findScalar(body, ['StreamName']);
    const event = findScalar(body, EVENT_KEYS);
    handler.log.info(
      { route, taskId, event, stream, body: redact(JSON.stringify(body), configuredToken) },
      'mixing-task callback',
    );
    if (taskId === null) return ignored(res, 'no_task_id', 'no task id in the body');
    if (!onTaskEvent) return ignored(res, 'no_consumer', 'mixing-task callbacks are not consumed');
    try {
      const result = (await onTaskEvent({ taskId, event, stream, body })) ?? 'applied';
      res.status(200).json({ ok: true, result });
    } catch (err) {
      handler.log.error({ route, taskId, err }, 'mixing-task callback not applied');
      ignored(res, 'not_applied', 'not applied');
    }
  };
};
