import type { ErrorCode } from '../core/errors.js';

/** The error half of every acknowledgement. `code` is one of PROTOCOL §4's error codes. */
export interface AckError {
  code: ErrorCode;
  message: string;
}

/** What an event with nothing more to say acks on success: just `{ ok: true }`. */
export type Empty = Record<never, never>;

/**
 * Every acknowledgement: `{ ok: true, ...T }` or `{ ok: false, error }`.
 * @example
 *   const res: Ack<{ push: { url: string } }> = await socket.emitWithAck('room:open', { roomId: 'r1' });
 *   if (!res.ok) console.warn(res.error.code);   // 'conflict', 'forbidden', …
 *   else startPushing(res.push.url);
 */
export type Ack<T = Empty> = Flatten<{ ok: true } & T> | { ok: false; error: AckError };

/** Shows `{ ok: true } & T` as one object type (readable hovers, exact type equality in tests). */
type Flatten<T> = { [K in keyof T]: T[K] };

/** The acknowledgement callback every client event takes as its last argument. */
export type AckCallback<T = Empty> = (res: Ack<T>) => void;
