import { expect } from 'vitest';
import type { ClientAck, ClientEvent, ClientPayload, RoomView } from '../../src/client/index.js';
import type { Participant } from './app.js';

/** One view a socket was given, by an ack (`room:open`, `room:join`, `room:sync`) or by a push. */
export interface Given {
  by: 'ack' | 'push';
  event: string;
  view: RoomView;
}

interface Ack {
  /** The length of the participant's push log when the ack arrived: what it came after. */
  at: number;
  event: string;
  res: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The audience and a requester count one version line (a requester's view changes with the audience's). */
export const lineOf = (view: RoomView): 'stage' | 'audience' => (view.view === 'stage' ? 'stage' : 'audience');

/** A view's content, its version aside: two pushes with the same content would be a push of no change. */
const content = (view: RoomView): string => JSON.stringify({ ...view, version: 0 });

/**
 * Sends client events and keeps their acks beside each participant's pushes, so that everything a socket
 * was given (acks and pushes) can be read back in arrival order.
 */
export const viewLog = () => {
  const acks = new Map<Participant, Ack[]>();

  const request = async <E extends ClientEvent>(
    p: Participant,
    event: E,
    payload: ClientPayload<E>,
  ): Promise<ClientAck<E>> => {
    const res = await p.client.request(event, payload);
    const list = acks.get(p) ?? [];
    acks.set(p, list);
    list.push({ at: p.log.length, event, res });
    return res;
  };

  /** Every payload `p` was given, acks and pushes, in arrival order (URL deliveries included). */
  const everything = (p: Participant): { by: 'ack' | 'push'; event: string; payload: unknown }[] => {
    const mine = acks.get(p) ?? [];
    const out: { by: 'ack' | 'push'; event: string; payload: unknown }[] = [];
    for (let i = 0; i <= p.log.length; i++) {
      for (const a of mine) if (a.at === i) out.push({ by: 'ack', event: a.event, payload: a.res });
      const pushed = p.log[i];
      if (pushed) out.push({ by: 'push', event: pushed[0], payload: pushed[1] });
    }
    return out;
  };

  /** The views of `roomId` given to `p`, in arrival order. */
  const given = (p: Participant, roomId: string): Given[] =>
    everything(p).flatMap(({ by, event, payload }): Given[] => {
      if (!isRecord(payload)) return [];
      const view = event === 'room:state' ? payload : payload.room;
      return isRecord(view) && view.roomId === roomId ? [{ by, event, view: view as unknown as RoomView }] : [];
    });

  return { request, everything, given };
};

/**
 * Each push shows a change of the view the socket had (never the same content again), and versions rise by
 * exactly one along a version line: a push of the same kind is the next version; a switch between audience
 * and requester (a hand raised or lowered) keeps the line's version, or takes the next if the audience view
 * changed in the same change; a switch to or from the stage starts on the other line.
 */
export const expectOnePushPerChange = (who: string, seen: Given[]): void => {
  seen.forEach((cur, i) => {
    const prev = seen[i - 1];
    if (!prev || cur.by !== 'push') return;
    const where = `${who}: ${prev.event} ${prev.view.view}@${prev.view.version} → ${cur.event} ${cur.view.view}@${cur.view.version}`;
    expect(content(cur.view), `${where} pushed no change`).not.toBe(content(prev.view));
    if (lineOf(cur.view) !== lineOf(prev.view)) return;
    if (cur.view.view === prev.view.view) expect(cur.view.version, where).toBe(prev.view.version + 1);
    else expect([prev.view.version, prev.view.version + 1], where).toContain(cur.view.version);
  });
};

/** `kind@version` of each view given, for compact assertions. */
export const kinds = (seen: Given[]): string[] =>
  seen.map((g) => `${g.by}:${g.event} ${g.view.view}@${g.view.version}`);

/** The kinds a socket went through, each run of the same kind once, with the event that switched to it. */
export const kindSwitches = (seen: Given[]): string[] =>
  seen.filter((g, i) => g.view.view !== seen[i - 1]?.view.view).map((g) => `${g.view.view} by ${g.event}`);

/**
 * Paths in `value` that show pending requests: any `requests` list and any `since`. A viewer must have none;
 * a requester only its own request's `since`.
 */
export const requestTraces = (value: unknown, path = '$'): { path: string; value: unknown }[] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => requestTraces(v, `${path}[${i}]`));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(k === 'requests' || k === 'since' ? [{ path: `${path}.${k}`, value: v }] : []),
    ...requestTraces(v, `${path}.${k}`),
  ]);
};
