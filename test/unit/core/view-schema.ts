import { z } from 'zod';

/** PROTOCOL §4's views, strictly: no key more, none less (the audience view holds no requests, no timestamps). */
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const shown = z.enum(['live', 'degraded']);
/** What viewers play: the anchor's stream, or a task mixer's output (both are streams viewers can play). */
const playing = z.string().regex(/^(a|m[0-9]+)-[A-Za-z0-9_-]{1,64}$/);
const base = {
  roomId: id,
  version: z.number().int().positive(),
  status: z.enum(['live', 'closed']),
};
export const stageViewSchema = z.strictObject({
  ...base,
  view: z.literal('stage'),
  anchor: z.strictObject({ userId: id, streaming: z.boolean(), mixAvailable: z.boolean() }),
  cohosts: z.array(
    z.strictObject({
      userId: id,
      state: z.enum(['accepted', 'mixing', 'live', 'degraded', 'ending']),
      since: z.number().int(),
      shown: shown.nullable(),
    }),
  ),
  requests: z.array(z.strictObject({ userId: id, since: z.number().int() })),
  pairing: z.strictObject({ roomId: id, userId: id, shown: shown.nullable() }).nullable(),
  playing,
});
const audience = {
  ...base,
  anchor: z.strictObject({ userId: id, streaming: z.boolean() }),
  cohosts: z.array(z.strictObject({ userId: id, state: shown })),
  playing,
};
export const audienceViewSchema = z.strictObject({ ...audience, view: z.literal('audience') });
export const requesterViewSchema = z.strictObject({
  ...audience,
  view: z.literal('requester'),
  request: z.strictObject({ since: z.number().int() }),
});
export const viewSchema = z.discriminatedUnion('view', [stageViewSchema, audienceViewSchema, requesterViewSchema]);
