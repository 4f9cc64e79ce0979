import type { EndReasonValue, RoomId, Shown, StreamName, StreamStatus, TimerName, UserId } from './types.js';

/** Codes AliLive puts in a MixResult callback (seed §2.3). */
export const MIX_RESULT_CODES = ['Success', 'MainStreamNotExist', 'MixStreamNotExist', 'InternalError'] as const;
export type MixResultCode = (typeof MIX_RESULT_CODES)[number];

export type EndReason = EndReasonValue;
export type CloseReason = 'closed' | 'anchor-gone' | 'admin';

/** Rooms that may make a co-host request anchor-to-anchor, and what the requester's token allows. */
export interface PairingCandidates {
  anchorOf: RoomId[];
  /** The token allows a request as a viewer (`cohost`), and as the anchor of a live room (`pair`). */
  mayAsViewer: boolean;
  mayAsAnchor: boolean;
}

/** Intents: commands from apps or the admin API, each with its acting user. */
export type Command =
  /**
   * `stream`: what the store last knew of the anchor's stream while no room had it (callbacks for a stream
   * no room knew, or the closed room's last word): a room opened mid-stream knows at once that it is up.
   */
  | { type: 'OpenRoom'; roomId: RoomId; userId: UserId; stream?: StreamStatus | null }
  | { type: 'JoinRoom'; userId: UserId }
  | { type: 'LeaveRoom'; userId: UserId }
  | { type: 'CloseRoom'; userId: UserId }
  | { type: 'AdminCloseRoom' }
  | {
      type: 'RequestCohost';
      userId: UserId;
      /** The requesting connection has joined the room. */
      joined: boolean;
      /** The requester is the anchor of this other live room. */
      ownRoom: { roomId: RoomId; stream: StreamStatus } | null;
      /**
       * Set by the socket side instead of `ownRoom`: the rooms the requester opened as anchor on its connection,
       * and which kind of request its token allows. The app resolves `ownRoom` from them in the room's queue
       * (app/own-room.ts) and takes this away: the core never sees it.
       */
      pairing?: PairingCandidates;
    }
  | { type: 'CancelRequest'; userId: UserId }
  | { type: 'AcceptCohost'; userId: UserId; target: UserId }
  | { type: 'RejectCohost'; userId: UserId; target: UserId }
  | { type: 'LeaveCohost'; userId: UserId }
  /** `userId: null` is the admin API. */
  | { type: 'KickCohost'; userId: UserId | null; target: UserId };

/** Facts: AliLive callbacks, results of our own AliLive calls, presence, timers, other rooms. */
export type Fact =
  | { type: 'StreamPublished'; stream: StreamName; at: number }
  | { type: 'StreamStopped'; stream: StreamName; at: number }
  | { type: 'MixAvailable'; stream: StreamName }
  | { type: 'MixResult'; main: StreamName; mix: StreamName; code: MixResultCode }
  /** AliLive stopped mixing this pair on its own (`Event=EventMixStop`), without our StopMix asking it to. */
  | { type: 'MixEnded'; main: StreamName; mix: StreamName }
  | { type: 'MixStarted'; main: StreamName; mix: StreamName; gen: number }
  | { type: 'MixStartFailed'; main: StreamName; mix: StreamName; gen: number; code: string; retryable: boolean }
  | { type: 'MixStopped'; main: StreamName; mix: StreamName; gen: number }
  /** The answer to the room's mixing-task call of generation `gen` (task mixer). `gone`: the mixer has no such task. */
  | { type: 'MixTaskAnswered'; gen: number; ok: true; taskId: string | null }
  | { type: 'MixTaskAnswered'; gen: number; ok: false; code: string; retryable: boolean; gone: boolean }
  /**
   * A mixing-task callback about the task producing `stream` (its output). Its body is not documented, so only
   * an event that reads as a start is taken as evidence the output is produced; anything else changes nothing.
   */
  | { type: 'MixTaskEvent'; stream: StreamName; taskId: string; event: string | null }
  /** AliLive's answer to CheckStream: is the stream being pushed (null: could not tell)? */
  | { type: 'StreamChecked'; stream: StreamName; online: boolean | null }
  | { type: 'SocketGone'; userId: UserId }
  | { type: 'TimerFired'; name: TimerName; key: string; at: number }
  /**
   * This room's anchor co-hosts in `roomId` (anchor-to-anchor): what this room's viewers now see of that
   * room's anchor `userId`. Sent by `roomId` for its session that began at `since`, at its revision `rev`: a
   * late update never overrides a newer one.
   */
  | {
      type: 'PairingUpdate';
      roomId: RoomId;
      userId: UserId;
      since: number;
      rev: number;
      shown: Shown;
      ended: boolean;
      /** Task mixer: the stream this room's own task is to draw over its anchor (the other room's anchor). */
      overlay?: StreamName | null;
      code?: string;
      reason?: string;
    }
  /** The paired room was closed or ended the pairing: end the co-host session of `userId`. */
  | { type: 'EndCohost'; userId: UserId; reason: EndReason };

export type RoomInput = Command | Fact;
export type InputType = RoomInput['type'];

/** Every command type, as a record so the compiler catches one missing (or one that is not a command). */
const COMMAND_TYPES: Record<Command['type'], true> = {
  OpenRoom: true,
  JoinRoom: true,
  LeaveRoom: true,
  CloseRoom: true,
  AdminCloseRoom: true,
  RequestCohost: true,
  CancelRequest: true,
  AcceptCohost: true,
  RejectCohost: true,
  LeaveCohost: true,
  KickCohost: true,
};
export const isCommand = (input: RoomInput): input is Command => Object.hasOwn(COMMAND_TYPES, input.type);
