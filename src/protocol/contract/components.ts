import { z } from 'zod';

type Target = 'draft-07' | 'draft-2020-12';
export type JsonSchema = Record<string, unknown>;

/**
 * Named schemas as a document's `components.schemas`: every schema added here is emitted once under its id and
 * referenced as `#/components/schemas/<id>` wherever another uses it. Input schemas (what the server parses) are
 * read as input: a strict object forbids other keys, a field with a default is optional.
 */
export const createComponents = (target: Target) => {
  const registry = z.registry<{ id: string }>();
  const ref = (id: string): JsonSchema => ({ $ref: `#/components/schemas/${id}` });
  return {
    /** Names `schema` (the same instance its users nest) and returns a reference to it. */
    add(id: string, schema: z.ZodType): JsonSchema {
      if (!registry.has(schema)) registry.add(schema, { id });
      return ref(registry.get(schema)!.id);
    },
    /** A fresh copy named `id`, for a schema shared by several names (the same payload of many events). */
    alias(id: string, schema: z.ZodType): JsonSchema {
      registry.add(schema.clone(), { id });
      return ref(id);
    },
    schemas(): Record<string, JsonSchema> {
      const { schemas } = z.toJSONSchema(registry, { target, io: 'input', uri: (id) => `#/components/schemas/${id}` });
      // Inside a document the key names the schema: no `$id` (a fragment is not a valid one) and no `$schema`.
      const out: Record<string, JsonSchema> = {};
      for (const id of Object.keys(schemas).sort()) {
        const { $id: _id, $schema: _schema, ...rest } = schemas[id] as JsonSchema;
        out[id] = rest;
      }
      return out;
    },
  };
};

/** `room:open` → `RoomOpen`: a name that fits the documents' key rules (letters, digits, `.`, `-`, `_`). */
export const pascal = (event: string): string =>
  event
    .split(/[:-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
