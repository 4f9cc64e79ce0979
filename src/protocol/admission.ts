/** The business admission webhook's contract (PROTOCOL §4.1): what linkmic asks, and what it makes of the answer. */

export type AdmissionAction = 'room:open' | 'cohost:request' | 'cohost:accept';

/** The JSON body POSTed to `ADMISSION_URL` (PROTOCOL §4.1). */
export interface AdmissionRequest {
  action: AdmissionAction;
  roomId: string;
  /** The user who would go live: the opener, the requester, or (for `cohost:accept`) the accepted requester. */
  userId: string;
  /** The room's anchor (for `room:open`, the opener). */
  anchorUserId: string;
  /** The room as it stands before the command. */
  counts: { cohosts: number; requests: number };
}

export type AdmissionOutcome = 'allow' | 'deny' | 'timeout' | 'error' | 'default';
export interface AdmissionDecision {
  allow: boolean;
  /** Shown to the app as the `forbidden` message when `allow` is false. */
  reason: string;
  outcome: AdmissionOutcome;
}

export interface AdmissionClient {
  /** Never rejects: a backend that fails to answer yields `defaultDecision`. */
  decide(request: AdmissionRequest): Promise<AdmissionDecision>;
}
