import type { QpsLimit } from './qps-window.js';

export type Params = Readonly<Record<string, string>>;
/** An action's answer before RequestId / HostId are added. */
export type ActionResult =
  { ok: true; body: Record<string, unknown> } | { ok: false; status: number; code: string; message: string };

export const popError = (status: number, code: string, message: string): ActionResult => ({
  ok: false,
  status,
  code,
  message,
});

export interface Action {
  required: readonly string[];
  /** Flow control: answered `Throttling.User` when a limit is reached (checked before the parameters). */
  qps?: readonly QpsLimit[];
  run(p: Params): ActionResult;
}
