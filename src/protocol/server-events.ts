import { z } from 'zod';
import { ERROR_CODES } from '../core/errors.js';
import { COHOST_STATES } from '../core/types.js';

/**
 * The server → client payloads and the acks of PROTOCOL §4 as zod schemas: what `docs/asyncapi.json` is
 * generated from. The server builds these values itself (it never parses them), so the schemas are held to the
 * TypeScript types it emits with by `test/types/contract-schemas.test.ts`: a change to one fails until the
 * other follows.
 */

const userId = z.string().describe('a user id');
const roomId = z.string().describe('a room id');
const version = z.number().int().min(0).describe("the version of the recipient's view after this change");
const since = z.number().describe('ms since the epoch');
const status = z.enum(['live', 'closed']);
/** What viewers see of someone in the picture; null: not in it. */
const shown = z
  .enum(['live', 'degraded'])
  .nullable()
  .describe('what the viewers see of this co-host: live, degraded (frozen), or null (not in the picture)');

const playUrls = z.object({ rtmp: z.string(), flv: z.string(), hls: z.string() });
/** What viewers play, and its signed URLs (signed as the view is sent). */
const playing = {
  playing: z
    .string()
    .describe(
      "the stream viewers play: the anchor's, or with the cloud mixer its mixed output while co-hosts are in the picture",
    ),
  play: playUrls,
};

export const stageView = z
  .object({
    roomId,
    view: z.literal('stage'),
    version,
    status,
    anchor: z.object({ userId, streaming: z.boolean(), mixAvailable: z.boolean() }),
    cohosts: z.array(z.object({ userId, state: z.enum(COHOST_STATES), since, shown })),
    requests: z.array(z.object({ userId, since })),
    pairing: z
      .object({ roomId, userId, shown })
      .nullable()
      .describe("this room's anchor co-hosts in roomId with userId's room (anchor-to-anchor)"),
    ...playing,
  })
  .describe('The view of the stage: the anchor and every co-host.');

const audienceFields = {
  roomId,
  version,
  status,
  anchor: z.object({ userId, streaming: z.boolean() }),
  cohosts: z
    .array(z.object({ userId, state: z.enum(['live', 'degraded']) }))
    .describe("who is in the viewers' picture"),
  ...playing,
};
export const audienceView = z
  .object({ ...audienceFields, view: z.literal('audience') })
  .describe('The view of everyone else: only what is in the picture.');
export const requesterView = z
  .object({ ...audienceFields, view: z.literal('requester'), request: z.object({ since }) })
  .describe("The audience view plus the member's own pending request.");
export const roomView = z
  .discriminatedUnion('view', [stageView, requesterView, audienceView])
  .describe("A member's view of a room, by its role (`view`).");

const pushed = { version, room: roomView };
const endReason = z.enum(['left', 'kicked', 'timeout', 'stream-lost', 'mix-failed', 'room-closed']);

/** The signals: each carries its own fields plus the recipient's view and that view's version. */
export const signalSchemas = {
  'room:closed': z.object({ roomId, reason: z.enum(['closed', 'anchor-gone', 'admin']), ...pushed }),
  'cohost:requested': z.object({ roomId, userId, ...pushed }),
  'cohost:request-ended': z.object({
    roomId,
    userId,
    reason: z.enum(['cancelled', 'rejected', 'timeout', 'room-closed']),
    ...pushed,
  }),
  'cohost:ended': z.object({
    roomId,
    userId,
    reason: endReason,
    ended: z
      .array(z.object({ userId, reason: endReason }))
      .optional()
      .describe('every co-host, when several ended in one change'),
    ...pushed,
  }),
  'mix:live': z.object({ roomId, cohostUserId: userId, ...pushed }),
  'mix:degraded': z.object({ roomId, cohostUserId: userId, code: z.string(), ...pushed }),
  'mix:stopped': z.object({ roomId, cohostUserId: userId, reason: z.string(), ...pushed }),
};

/** Every server → client event and its payload. */
export const serverEventSchemas = {
  'room:state': roomView,
  ...signalSchemas,
  'cohost:accepted': z.object({ roomId, push: z.object({ url: z.string() }) }),
  'stream:pull-low-latency': z.object({ roomId, userId, url: z.string() }),
  'auth:expiring': z.object({ at: z.number().describe('when the token expires, ms since the epoch') }),
  'auth:expired': z.object({ at: z.number() }),
  'room:lost': z.object({
    roomId,
    reason: z.literal('state-lost').describe('the store lost its data: the room is gone; open or join it again'),
  }),
  'server:draining': z.object({
    reconnectInMs: z
      .number()
      .int()
      .min(0)
      .describe('reconnect to the same address after this long, then room:join each room again'),
  }),
};

/** Descriptions of the server events, for the generated document. */
export const serverEventDocs: Record<keyof typeof serverEventSchemas, string> = {
  'room:state': "the member's view changed and no signal of that change carries it",
  'room:closed': 'the room closed (it says everything of its change)',
  'cohost:requested': 'to the anchor: a viewer asks to co-host',
  'cohost:request-ended': 'to the anchor and the requester: the request ended',
  'cohost:ended': "to the stage and the co-host concerned: a co-host's session ended",
  'mix:live': 'the co-host is in the mixed picture',
  'mix:degraded': 'the mix reported an error; the picture may be frozen',
  'mix:stopped': "back to the anchor's own picture",
  'cohost:accepted': 'to the accepted co-host: where to push (a URL delivery, no version)',
  'stream:pull-low-latency':
    "to the anchor and the co-host: pull the other's low-latency stream (a URL delivery, no version)",
  'auth:expiring': 'the token expires soon: send auth:refresh before `at`',
  'auth:expired': 'the token expired; the server disconnects right after',
  'room:lost': 'the store lost the room (its data was lost): it is gone for every member; open or join it again',
  'server:draining':
    'this node is shutting down: once the pending acks are sent the server disconnects; reconnect after reconnectInMs',
};

export const ackError = z
  .object({ ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) })
  .describe('Every refused command: one of the PROTOCOL error codes and a message.');

const role = z.enum(['anchor', 'cohost', 'requester', 'viewer']);
const ok = <T extends z.ZodRawShape>(shape: T) => z.union([z.object({ ok: z.literal(true), ...shape }), ackError]);

/** The acknowledgement of each client event. */
export const ackSchemas = {
  'room:open': ok({ room: stageView, push: z.object({ url: z.string() }) }),
  'room:join': ok({ room: roomView, role, play: playUrls }),
  'room:sync': ok({ room: roomView, role }),
  'room:leave': ok({}),
  'room:close': ok({}),
  'cohost:request': ok({}),
  'cohost:cancel': ok({}),
  'cohost:accept': ok({}),
  'cohost:reject': ok({}),
  'cohost:leave': ok({}),
  'cohost:kick': ok({}),
  'auth:refresh': ok({ at: z.number() }),
};
