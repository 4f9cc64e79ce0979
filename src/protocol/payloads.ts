import { z } from 'zod';
import { ID_PATTERN } from '../core/names.js';
import type { ClientEvent, ClientPayload } from './events.js';

/** A room or user id (PROTOCOL §2). */
export const idSchema = z.string().regex(ID_PATTERN, { error: 'must be 1-64 characters of [A-Za-z0-9_-]' });

/** Strict: an unknown key is refused rather than ignored, so a client bug shows up at once. */
export const roomPayload = z.strictObject({ roomId: idSchema });
export const roomUserPayload = z.strictObject({ roomId: idSchema, userId: idSchema });

/** `auth:refresh` (handled by `session.ts`, apart from the room commands below). 8 kB bounds a JWT with grants. */
export const authRefreshPayload = z.strictObject({ token: z.string().min(1).max(8192) });

/** One schema per room command of PROTOCOL §4. */
export const payloadSchemas = {
  'room:open': roomPayload,
  'room:join': roomPayload,
  'room:sync': roomPayload,
  'room:leave': roomPayload,
  'room:close': roomPayload,
  'cohost:request': roomPayload,
  'cohost:cancel': roomPayload,
  'cohost:accept': roomUserPayload,
  'cohost:reject': roomUserPayload,
  'cohost:leave': roomPayload,
  'cohost:kick': roomUserPayload,
} as const satisfies Record<ClientEvent, z.ZodType>;

export type ParseResult<E extends ClientEvent> = { ok: true; value: ClientPayload<E> } | { ok: false; message: string };

/** Validates one payload; the message names the offending field(s) for the `bad_request` ack. */
export const parsePayload = <E extends ClientEvent>(event: E, raw: unknown): ParseResult<E> => {
  const result = payloadSchemas[event].safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const message = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'payload'}: ${issue.message}`)
    .join('; ');
  return { ok: false, message };
};
