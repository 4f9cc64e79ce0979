import type { DomainError } from './errors.js';
import type { RoomInput } from './events.js';
import type { Ctx } from './ctx.js';
import { findSession } from './room-queries.js';
import { accept, kick, leave } from './rules/cohost.js';
import { endSession } from './rules/session-end.js';
import { onTimerFired } from './rules/fired.js';
import { onMixAvailable, onMixStarted, onMixStartFailed, onMixStopped } from './rules/mix.js';
import { onMixEnded } from './rules/mix-ended.js';
import { onMixResult } from './rules/mix-result.js';
import { onPairingUpdate } from './rules/pairing.js';
import { onBack, onSocketGone } from './rules/presence.js';
import { cancel, reject, request } from './rules/requests.js';
import { close, closeByAnchor, leaveRoom, reopen } from './rules/room.js';
import { onPublished, onStopped } from './rules/stream-callbacks.js';
import { onStreamChecked } from './rules/verify.js';
import { syncTask } from './rules/task-calls.js';
import {
  onOutputChecked,
  onOutputPublished,
  onOutputStopped,
  onTaskAnswered,
  onTaskEvent,
} from './rules/task-outcomes.js';

/**
 * One input to a live room: a flat switch, each case one rule (Emmett's decider). With the task mixer the
 * room's task is then brought in line with whatever the input changed (rules/task-calls.ts).
 */
export const applyInput = (ctx: Ctx, input: RoomInput): DomainError | void => {
  const error = decide(ctx, input);
  if (!error && ctx.policy.mixer === 'tasks' && ctx.room.status === 'live') syncTask(ctx);
  return error;
};

/** Facts only the pair mixer produces: with the task mixer, a stray one (a misconfigured sender) is ignored. */
const PAIR_FACTS: ReadonlySet<RoomInput['type']> = new Set([
  'MixResult',
  'MixEnded',
  'MixStarted',
  'MixStartFailed',
  'MixStopped',
]);

const isOutput = (ctx: Ctx, stream: string): boolean => ctx.room.mix?.output === stream;

const decide = (ctx: Ctx, input: RoomInput): DomainError | void => {
  if (ctx.policy.mixer === 'tasks' && PAIR_FACTS.has(input.type)) return undefined;
  switch (input.type) {
    case 'OpenRoom':
      return reopen(ctx, input.userId);
    case 'JoinRoom':
      return onBack(ctx, input.userId);
    case 'LeaveRoom':
      return leaveRoom(ctx, input.userId);
    case 'CloseRoom':
      return closeByAnchor(ctx, input.userId);
    case 'AdminCloseRoom':
      return close(ctx, 'admin');
    case 'RequestCohost':
      return request(ctx, input.userId, input.joined, input.ownRoom);
    case 'CancelRequest':
      return cancel(ctx, input.userId);
    case 'AcceptCohost':
      return accept(ctx, input.userId, input.target);
    case 'RejectCohost':
      return reject(ctx, input.userId, input.target);
    case 'LeaveCohost':
      return leave(ctx, input.userId);
    case 'KickCohost':
      return kick(ctx, input.userId, input.target);
    case 'StreamPublished':
      return isOutput(ctx, input.stream) ? onOutputPublished(ctx, input.at) : onPublished(ctx, input.stream, input.at);
    case 'StreamStopped':
      return isOutput(ctx, input.stream) ? onOutputStopped(ctx, input.at) : onStopped(ctx, input.stream, input.at);
    case 'MixAvailable':
      return onMixAvailable(ctx, input.stream);
    case 'MixResult':
      return onMixResult(ctx, input.main, input.mix, input.code);
    case 'MixStarted':
      return onMixStarted(ctx, input.main, input.mix, input.gen);
    case 'MixStartFailed':
      return onMixStartFailed(ctx, input.main, input.mix, input.gen, input.retryable);
    case 'MixStopped':
      return onMixStopped(ctx, input.main, input.mix, input.gen);
    case 'MixEnded':
      return onMixEnded(ctx, input.main, input.mix);
    case 'StreamChecked':
      return isOutput(ctx, input.stream)
        ? onOutputChecked(ctx, input.online)
        : onStreamChecked(ctx, input.stream, input.online);
    case 'MixTaskAnswered':
      return onTaskAnswered(ctx, input);
    case 'MixTaskEvent':
      return isOutput(ctx, input.stream) ? onTaskEvent(ctx, input.taskId, input.event) : undefined;
    case 'SocketGone':
      return onSocketGone(ctx, input.userId);
    case 'TimerFired':
      return onTimerFired(ctx, input.name, input.key, input.at);
    case 'PairingUpdate':
      return onPairingUpdate(ctx, input);
    case 'EndCohost': {
      const session = findSession(ctx.room, input.userId);
      if (session) endSession(ctx, session, input.reason);
      return undefined;
    }
    default:
      return input satisfies never;
  }
};
