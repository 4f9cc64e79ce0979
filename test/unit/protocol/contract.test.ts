import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import specs from '@asyncapi/specs';
import { Validator as OpenApiValidator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contractDocuments } from '../../../src/protocol/contract/documents.js';
import { payloadSchemas } from '../../../src/protocol/payloads.js';
import { serverEventSchemas } from '../../../src/protocol/server-events.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const version = async (): Promise<string> =>
  (JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

/**
 * docs/asyncapi.json and docs/openapi.json are generated from the zod schemas in src/protocol/ (`npm run
 * contract`). They must be what the code generates now, and valid documents of their specifications.
 */
describe('the machine-readable contract', () => {
  it('the committed documents are what the code generates (else: npm run contract, and commit)', async () => {
    for (const [name, text] of Object.entries(contractDocuments(await version()))) {
      const committed = await readFile(`${ROOT}docs/${name}`, 'utf8').catch(() => '(missing)');
      expect(committed === text, `docs/${name} differs from the code: run npm run contract and commit it`).toBe(true);
    }
  });

  it('docs/asyncapi.json is a valid AsyncAPI 3.0 document naming every socket event', async () => {
    const doc = JSON.parse(contractDocuments(await version())['asyncapi.json']!) as {
      components: { messages: Record<string, { name: string }> };
      operations: Record<string, { action: string }>;
    };
    // The AsyncAPI schema bundles its own copy of the draft-07 meta-schema: Ajv's must stay out of the way.
    const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
    addFormats.default(ajv);
    const validate = ajv.compile(specs.schemas['3.0.0'] as object);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toBe(true);
    const names = Object.values(doc.components.messages).map((m) => m.name);
    for (const event of [...Object.keys(payloadSchemas), 'auth:refresh', ...Object.keys(serverEventSchemas)])
      expect(names).toContain(event);
    expect(Object.values(doc.operations).filter((o) => o.action === 'send')).toHaveLength(
      Object.keys(serverEventSchemas).length,
    );
  });

  it('docs/openapi.json is a valid OpenAPI 3.1 document with every route of PROTOCOL §3', async () => {
    const text = contractDocuments(await version())['openapi.json']!;
    const result = await new OpenApiValidator().validate(
      JSON.parse(text) as Parameters<OpenApiValidator['validate']>[0],
    );
    expect(result.valid, JSON.stringify(result.errors, null, 1)).toBe(true);
    const paths = Object.keys((JSON.parse(text) as { paths: Record<string, unknown> }).paths);
    for (const route of [
      '/callbacks/alilive/stream',
      '/callbacks/alilive/mix-available',
      '/callbacks/alilive/mix-result',
      '/healthz',
      '/readyz',
      '/metrics',
      '/api/rooms',
      '/api/rooms/{roomId}',
      '/api/rooms/{roomId}/close',
      '/api/rooms/{roomId}/cohosts/{userId}/kick',
      '/api/tokens',
    ]) {
      expect(paths).toContain(route);
    }
  });

  it('a document schema accepts what the server sends and refuses what it refuses', async () => {
    const doc = JSON.parse(contractDocuments(await version())['asyncapi.json']!) as {
      components: { schemas: Record<string, object> };
    };
    const ajv = new Ajv({ strict: false });
    for (const [id, schema] of Object.entries(doc.components.schemas))
      ajv.addSchema(schema, `#/components/schemas/${id}`);
    const draining = ajv.getSchema('#/components/schemas/ServerDrainingEvent')!;
    expect(draining({ reconnectInMs: 250 })).toBe(true);
    expect(draining({ reconnectInMs: -1 })).toBe(false);
    const open = ajv.getSchema('#/components/schemas/RoomOpenPayload')!;
    expect([open({ roomId: 'r1' }), open({ roomId: 'r 1' }), open({ roomId: 'r1', extra: 1 })]).toEqual([
      payloadSchemas['room:open'].safeParse({ roomId: 'r1' }).success,
      payloadSchemas['room:open'].safeParse({ roomId: 'r 1' }).success,
      payloadSchemas['room:open'].safeParse({ roomId: 'r1', extra: 1 }).success,
    ]);
    expect(z.toJSONSchema(serverEventSchemas['server:draining'])).toMatchObject({ required: ['reconnectInMs'] });
  });
});
