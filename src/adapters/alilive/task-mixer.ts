import type { SignedUrls, TaskCallOutcome, TaskMixer } from '../../app/ports.js';
import { layoutFor, type MixLayoutStyle } from '../../core/mix-layout.js';
import { inputsFor } from './cloudmix-params.js';
import type { CallOutcome, CloudMixClient } from './cloudmix-types.js';

export interface TaskMixerDeps {
  client: CloudMixClient;
  urls: Pick<SignedUrls, 'play'>;
  style: MixLayoutStyle;
  /** The app of linkmic's output streams: tasks of other apps on the domain are none of its business. */
  appName: string;
  /** Where AliLive POSTs the task's events (CallbackConfig), given its output stream; none when unset. */
  callbackUrl?: ((output: string) => string) | undefined;
}

/**
 * How AliLive says a task does not exist. The real code is undocumented (alilive-current Q6): any `…NotFound`
 * answer to a call naming a task is taken so, and the simulator's `InvalidMixStreamId.NotFound` is one.
 */
const GONE = /NotFound$/;

const outcome = (r: CallOutcome<{ taskId?: string }>): TaskCallOutcome =>
  r.ok
    ? { ok: true, taskId: r.taskId ?? null }
    : { ok: false, code: r.code, retryable: r.retryable, gone: GONE.test(r.code) };

/**
 * The core's task calls as CreateMixStream / UpdateMixStream / DeleteMixStream: inputs are signed RTMP pull URLs
 * (ARTC inputs are not mixed, alilive-current §2), laid out by `layoutFor` for their number and the configured style.
 */
export const createTaskMixer = (deps: TaskMixerDeps): TaskMixer => {
  const inputs = (main: string, overlays: string[]) => {
    const streams = [main, ...overlays];
    const layout = layoutFor(streams.length, deps.style);
    return {
      layoutId: layout.layoutId,
      inputs: inputsFor(
        layout.panes,
        streams.map((s) => deps.urls.play(s).rtmp),
      ),
    };
  };
  return {
    create: async ({ output, main, overlays }) => {
      const callbackUrl = deps.callbackUrl?.(output);
      return outcome(
        await deps.client.create({
          ...inputs(main, overlays),
          outputStream: output,
          ...(callbackUrl ? { callbackUrl } : {}),
        }),
      );
    },
    update: async ({ taskId, main, overlays }) =>
      outcome(await deps.client.update({ taskId, ...inputs(main, overlays) })),
    remove: async ({ taskId, output }) => outcome(await deps.client.remove({ taskId, outputStream: output })),
    list: async () => {
      const r = await deps.client.list();
      return r.ok
        ? r.tasks.filter((t) => t.app === deps.appName).map((t) => ({ taskId: t.taskId, output: t.stream }))
        : null;
    },
  };
};
