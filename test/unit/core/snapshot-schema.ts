import { z } from 'zod';

/** PROTOCOL §4's room snapshot, strictly: no key more, none less. */
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const roomSnapshotSchema = z.strictObject({
  roomId: id,
  version: z.number().int().positive(),
  status: z.enum(['live', 'closed']),
  anchor: z.strictObject({ userId: id, streaming: z.boolean(), mixAvailable: z.boolean() }),
  cohosts: z.array(
    z.strictObject({
      userId: id,
      state: z.enum(['accepted', 'mixing', 'live', 'degraded', 'ending']),
      since: z.number().int(),
    }),
  ),
  requests: z.array(z.strictObject({ userId: id, since: z.number().int() })),
});
