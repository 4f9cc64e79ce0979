import type { StreamName } from './ids.js';

/**
 * The task mixer's one mixing task of a room: its anchor's stream and every overlay, composed into an output
 * stream its viewers switch to while co-hosts are in the picture. It exists only while there is something to
 * overlay (the account's task limit is small), and one call for it is in flight at a time.
 */
export interface MixTask {
  /** The output stream, new per task (a task being deleted never shares a name with its successor). */
  output: StreamName;
  /** The mixer's id of the task, once its creation was answered (or found). */
  id: string | null;
  /** Fences answers: only the answer to this task's current call counts. */
  gen: number;
  /** Overlays the mixer confirmed, in pane order (pane 0 is the anchor's). */
  mixed: StreamName[];
  /** The call in flight, with the overlays it asks for. `find` looks for a task whose creation went unanswered. */
  call: { op: 'create' | 'update' | 'delete' | 'find'; overlays: StreamName[] } | null;
  /** Evidence the output is produced: its publish callback, a task callback, or the online list. */
  live: boolean;
  /** Orders the output stream's callbacks (their `time`), like `StreamStatus.since`. */
  since: number;
  /** Failed calls, and outputs that never came, since the output was last seen live. */
  failures: number;
  /** What the MIX_RETRY timer of the task waits for: a call's answer, a backoff, the output, an online check. */
  wait: 'call' | 'backoff' | 'evidence' | 'check' | null;
  /** The task is deleted to start afresh (its output never came), not because nothing is left to overlay. */
  restart: boolean;
}
