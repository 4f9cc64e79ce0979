import { z } from 'zod';
import { errorBody } from '../http.js';
import type { createComponents, JsonSchema } from './components.js';

/** The named schemas of one document, shared by every group of paths in it. */
export type Components = ReturnType<typeof createComponents>;

/** A schema written out in place (a parameter's), without the `$schema` a standalone document would carry. */
export const inline = (schema: z.ZodType): JsonSchema => {
  const { $schema: _s, ...rest }: JsonSchema = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
  return rest;
};

/** One parameter per field of a zod object. */
export const parameters = (where: 'query' | 'path' | 'header', shape: Record<string, z.ZodType>): JsonSchema[] =>
  Object.entries(shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    ...(field.description ? { description: field.description } : {}),
    schema: inline(field),
  }));

export const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

const ERROR_TEXT: Record<number, string> = {
  400: 'malformed',
  401: 'bad token, signature or admin key',
  404: 'no such room',
  409: 'conflict',
  413: 'body over 16 kB',
  429: 'too many failed admin keys',
  503: 'state could not be reached (AliLive retries)',
};

/** The error answers of a route, each with the shared `Error` body. */
export const errorResponses = (c: Components, ...statuses: number[]): JsonSchema => {
  const error = c.add('Error', errorBody);
  return Object.fromEntries(
    statuses.map((s) => [String(s), { description: ERROR_TEXT[s] ?? 'refused', content: json(error) }]),
  );
};
