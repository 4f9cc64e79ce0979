import type { RoomInput } from './events.js';
import type { Push } from './signals.js';
import type { RoomId, StreamName, TimerName, UserId } from './types.js';

export type Effect =
  /** One message to a set of sockets: at most one per socket per change (see delivery.ts). */
  | Push
  /** Sign a push URL for `stream` and send `cohost:accepted` to the user. */
  | { type: 'SendPushUrl'; userId: UserId; roomId: RoomId; stream: StreamName }
  /** Sign a low-latency play URL for `stream` and send `stream:pull-low-latency` (of `ofUserId`) to `userId`. */
  | { type: 'SendPullUrl'; userId: UserId; roomId: RoomId; ofUserId: UserId; stream: StreamName }
  /** Outcome comes back to `roomId` as MixStarted / MixStartFailed. */
  | { type: 'StartMix'; roomId: RoomId; main: StreamName; mix: StreamName; gen: number }
  /** Outcome comes back to `roomId` as MixStopped (after the shell's own retries). */
  | { type: 'StopMix'; roomId: RoomId; main: StreamName; mix: StreamName; gen: number }
  /**
   * The room's mixing task (task mixer): create it, set its overlays (drawn over `main` in this order, pane 0
   * being `main`'s), or delete it. The answer comes back as MixTaskAnswered with `gen`.
   */
  | {
      type: 'MixTaskCall';
      roomId: RoomId;
      gen: number;
      op: 'create' | 'update' | 'delete';
      taskId: string | null;
      main: StreamName;
      overlays: StreamName[];
      output: StreamName;
    }
  /** Ask AliLive whether `stream` is live (DescribeLiveStreamsOnlineList); the answer comes back as StreamChecked. */
  | { type: 'CheckStream'; roomId: RoomId; stream: StreamName }
  /** Cut a kicked co-host's push (ForbidLiveStream in cloud mode). */
  | { type: 'CutStream'; stream: StreamName }
  | { type: 'SetTimer'; name: TimerName; key: string; at: number }
  | { type: 'ClearTimer'; name: TimerName; key: string }
  /** Apply `input` to another room (anchor-to-anchor pairing). */
  | { type: 'Forward'; roomId: RoomId; input: RoomInput };

export type EffectType = Effect['type'];
