import type { RoomDispatcher } from '../../app/ports.js';
import type { Logger } from '../../observability/logger.js';
import type { SecurityMetrics } from '../../observability/security-metrics.js';
import type { AdmissionAction, AdmissionClient } from '../../protocol/admission.js';
import { ackFailure } from './errors.js';
import type { AckError, SocketData } from '../../protocol/events.js';
import { mayOpen, mayPair, mayRequest } from '../../protocol/grants.js';

export type GateRefusal = { ok: false; error: AckError };

/**
 * What the token's grants and the business (admission webhook) say before a command reaches its room.
 * Each check resolves `null` (go on) or the `forbidden` ack to send; nothing has changed either way.
 * @example
 *   const refused = await gate.open(socket.data, roomId);
 *   if (refused) return refused;
 */
export interface CommandGate {
  open(data: SocketData, roomId: string): Promise<GateRefusal | null>;
  /** `pairing`: the requester anchors a live room of its own (anchor-to-anchor). */
  request(data: SocketData, roomId: string, pairing: boolean): Promise<GateRefusal | null>;
  /** `target`: the requester the anchor accepts. */
  accept(data: SocketData, roomId: string, target: string): Promise<GateRefusal | null>;
}

export interface CommandGateDeps {
  /** Reads the room for the admission body (anchor, counts); never writes. */
  dispatcher: Pick<RoomDispatcher, 'load'>;
  /** Null: no `ADMISSION_URL`, the grants alone decide. */
  admission: AdmissionClient | null;
  logger: Logger;
  metrics?: SecurityMetrics;
}

export const createCommandGate = ({ dispatcher, admission, logger, metrics }: CommandGateDeps): CommandGate => {
  const log = logger.child({ module: 'socket-gate' });

  const refuse = (
    data: SocketData,
    action: AdmissionAction,
    roomId: string,
    reason: 'grant' | 'admission',
    message: string,
  ) => {
    log.info({ userId: data.userId, action, roomId, reason, message }, 'command forbidden');
    metrics?.refusals.inc({ surface: 'command', code: 'forbidden', reason });
    return ackFailure('forbidden', message);
  };

  /** Asks the business; commands the room will refuse anyway (a room that is not live, …) are not asked about. */
  const admit = async (
    data: SocketData,
    action: AdmissionAction,
    roomId: string,
    userId: string,
  ): Promise<GateRefusal | null> => {
    if (!admission) return null;
    const room = await dispatcher.load(roomId);
    const live = room !== null && room.status === 'live';
    if (!live && action !== 'room:open') return null;
    // An accept the room will refuse anyway (not the anchor, no such request) is not the business's question.
    if (
      action === 'cohost:accept' &&
      (room!.anchor.userId !== data.userId || !room!.requests.some((r) => r.userId === userId))
    ) {
      return null;
    }
    const decision = await admission.decide({
      action,
      roomId,
      userId,
      anchorUserId: live ? room.anchor.userId : data.userId,
      counts: live ? { cohosts: room.cohosts.length, requests: room.requests.length } : { cohosts: 0, requests: 0 },
    });
    return decision.allow ? null : refuse(data, action, roomId, 'admission', decision.reason);
  };

  return {
    async open(data, roomId) {
      if (!mayOpen(data.grants, roomId))
        return refuse(data, 'room:open', roomId, 'grant', `your token does not grant opening room ${roomId}`);
      return admit(data, 'room:open', roomId, data.userId);
    },
    async request(data, roomId, pairing) {
      if (pairing ? !mayPair(data.grants) : !mayRequest(data.grants)) {
        const what = pairing ? 'co-hosting as an anchor (pair)' : 'requesting to co-host (cohost)';
        return refuse(data, 'cohost:request', roomId, 'grant', `your token does not grant ${what}`);
      }
      return admit(data, 'cohost:request', roomId, data.userId);
    },
    async accept(data, roomId, target) {
      return admit(data, 'cohost:accept', roomId, target);
    },
  };
};
