import type { RoomInput } from './events.js';
import type { RoomSnapshot } from './snapshot.js';
import type { RoomId, StreamName, TimerName, UserId } from './types.js';

export type Target = { room: RoomId } | { user: UserId };

/** Server→client events whose payloads the core writes whole (URLs are signed by the shell). */
export interface EmitPayloads {
  'room:state': RoomSnapshot;
  'room:closed': { roomId: RoomId; reason: 'closed' | 'anchor-gone' | 'admin' };
  'cohost:requested': { roomId: RoomId; userId: UserId };
  'cohost:request-ended': {
    roomId: RoomId;
    userId: UserId;
    reason: 'cancelled' | 'rejected' | 'timeout' | 'room-closed';
  };
  'cohost:ended': {
    roomId: RoomId;
    userId: UserId;
    reason: 'left' | 'kicked' | 'timeout' | 'stream-lost' | 'mix-failed' | 'room-closed';
  };
  'mix:live': { roomId: RoomId; cohostUserId: UserId };
  'mix:degraded': { roomId: RoomId; cohostUserId: UserId; code: string };
  'mix:stopped': { roomId: RoomId; cohostUserId: UserId; reason: string };
}
export type EmitEvent = keyof EmitPayloads;

export type Emit = {
  [E in EmitEvent]: { type: 'Emit'; to: Target; event: E; payload: EmitPayloads[E] };
}[EmitEvent];

export type Effect =
  | Emit
  /** Sign a push URL for `stream` and send `cohost:accepted` to the user. */
  | { type: 'SendPushUrl'; userId: UserId; roomId: RoomId; stream: StreamName }
  /** Sign a low-latency play URL for `stream` and send `stream:pull-low-latency` (of `ofUserId`) to `userId`. */
  | { type: 'SendPullUrl'; userId: UserId; roomId: RoomId; ofUserId: UserId; stream: StreamName }
  /** Outcome comes back to `roomId` as MixStarted / MixStartFailed. */
  | { type: 'StartMix'; roomId: RoomId; main: StreamName; mix: StreamName; gen: number }
  /** Outcome comes back to `roomId` as MixStopped (after the shell's own retries). */
  | { type: 'StopMix'; roomId: RoomId; main: StreamName; mix: StreamName; gen: number }
  /** Ask AliLive whether `stream` is live (DescribeLiveStreamsOnlineList); the answer comes back as StreamChecked. */
  | { type: 'CheckStream'; roomId: RoomId; stream: StreamName }
  /** Cut a kicked co-host's push (ForbidLiveStream in cloud mode). */
  | { type: 'CutStream'; stream: StreamName }
  | { type: 'SetTimer'; name: TimerName; key: string; at: number }
  | { type: 'ClearTimer'; name: TimerName; key: string }
  /** Apply `input` to another room (anchor-to-anchor pairing). */
  | { type: 'Forward'; roomId: RoomId; input: RoomInput };

export type EffectType = Effect['type'];
