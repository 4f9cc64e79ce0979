import { z } from 'zod';
import {
  callbackAnswer,
  errorBody,
  healthAnswer,
  mixAvailableParams,
  mixResultParams,
  mixTaskEvent,
  readyAnswer,
  roomActionAnswer,
  roomAnswer,
  roomIdParam,
  roomsPage,
  roomsPageQuery,
  simInjectBody,
  simPushBody,
  simStreamParam,
  streamCallbackParams,
  tokenAnswer,
  tokenRequest,
  userIdParam,
} from '../http.js';
import { stageView } from '../server-events.js';
import { createComponents, type JsonSchema } from './components.js';

/** JWT_MAX_TTL_S's default: the documented bound of `ttlS` (a deployment's own may be lower). */
const DOCUMENTED_MAX_TTL_S = 86_400;

const inline = (schema: z.ZodType): JsonSchema => {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema;
  return rest;
};

/** One parameter per field of a zod object. */
const parameters = (where: 'query' | 'path' | 'header', shape: Record<string, z.ZodType>): JsonSchema[] =>
  Object.entries(shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    ...(field.description ? { description: field.description } : {}),
    schema: inline(field),
  }));

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

/**
 * OpenAPI 3.1 for the HTTP routes of PROTOCOL §3, from the zod schemas the routes validate with (callback values,
 * admin parameters and bodies, simulator controls) and those of their answers.
 */
export const buildOpenApi = (version: string): JsonSchema => {
  const c = createComponents('draft-2020-12');
  const error = c.add('Error', errorBody);
  c.add('StageView', stageView);
  const errors = (...statuses: number[]) =>
    Object.fromEntries(
      statuses.map((s) => [String(s), { description: ERROR_TEXT[s] ?? 'refused', content: json(error) }]),
    );

  const callback = (name: string, params: z.ZodObject, summary: string, signed: boolean) => {
    const body = c.add(`${name}Params`, params);
    const responses = {
      '200': {
        description: 'accepted (AliLive stops retrying)',
        content: json(c.add('CallbackAnswer', callbackAnswer)),
      },
      ...errors(400, 401, 413, 503),
    };
    const headers = signed
      ? parameters('header', {
          'ALI-LIVE-TIMESTAMP': z.string().optional().describe('unix seconds; checked with ALILIVE_CALLBACK_AUTH_KEY'),
          'ALI-LIVE-SIGNATURE': z
            .string()
            .optional()
            .describe('md5hex(<push domain>|<timestamp>|<ALILIVE_CALLBACK_AUTH_KEY>)'),
        })
      : [];
    return {
      get: {
        tags: ['callbacks'],
        summary,
        operationId: `get${name}`,
        parameters: [...parameters('query', params.shape), ...headers],
        responses,
      },
      post: {
        tags: ['callbacks'],
        summary: `${summary} (form or JSON body)`,
        operationId: `post${name}`,
        parameters: headers,
        requestBody: { content: { 'application/x-www-form-urlencoded': { schema: body }, ...json(body) } },
        responses,
      },
    };
  };

  const roomPath = parameters('path', { roomId: roomIdParam });
  const admin = { tags: ['admin'], security: [{ adminKey: [] }] };
  const adminErrors = errors(400, 401, 404, 409, 429);
  const simulator = { tags: ['simulator'] };
  const simStream = parameters('path', { stream: simStreamParam });
  const anyJson = { description: 'ok', content: json({ type: 'object' }) };

  const paths: Record<string, JsonSchema> = {
    '/callbacks/alilive/stream': callback(
      'StreamCallback',
      streamCallbackParams,
      'Stream status (publish, publish_done)',
      true,
    ),
    '/callbacks/alilive/mix-available': callback(
      'MixAvailableCallback',
      mixAvailableParams,
      'MixAvailable: the main stream can be mixed',
      false,
    ),
    '/callbacks/alilive/mix-result': callback(
      'MixResultCallback',
      mixResultParams,
      'MixResult: the outcome of a StartMix',
      false,
    ),
    '/callbacks/alilive/mix-task': {
      post: {
        tags: ['callbacks'],
        summary: 'A CreateMixStream task event (cloudmix); always 200 once the token is right',
        operationId: 'postMixTask',
        parameters: parameters('query', { token: streamCallbackParams.shape.token }),
        requestBody: { content: json(c.add('MixTaskEvent', mixTaskEvent)) },
        responses: {
          '200': { description: 'accepted', content: json(c.add('CallbackAnswer', callbackAnswer)) },
          ...errors(401),
        },
      },
    },
    '/healthz': {
      get: {
        tags: ['operations'],
        summary: 'The process answers',
        operationId: 'healthz',
        responses: { '200': { description: 'up', content: json(c.add('Health', healthAnswer)) } },
      },
    },
    '/readyz': {
      get: {
        tags: ['operations'],
        summary: 'Ready: the store and AliLive answer and the node is not draining',
        operationId: 'readyz',
        responses: {
          '200': { description: 'ready', content: json(c.add('Readiness', readyAnswer)) },
          '503': {
            description: 'not ready (a dependency, or draining)',
            content: json(c.add('Readiness', readyAnswer)),
          },
        },
      },
    },
    '/metrics': {
      get: {
        tags: ['operations'],
        summary: 'Prometheus metrics (keep it inside your network)',
        operationId: 'metrics',
        responses: {
          '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
    },
    '/api/rooms': {
      get: {
        ...admin,
        summary: 'Rooms, a page at a time, sorted by id',
        operationId: 'listRooms',
        parameters: parameters('query', roomsPageQuery.shape),
        responses: { '200': { description: 'a page', content: json(c.add('RoomsPage', roomsPage)) }, ...adminErrors },
      },
    },
    '/api/rooms/{roomId}': {
      get: {
        ...admin,
        summary: 'One room (its stage view)',
        operationId: 'getRoom',
        parameters: roomPath,
        responses: {
          '200': { description: 'the room', content: json(c.add('RoomAnswer', roomAnswer)) },
          ...adminErrors,
        },
      },
    },
    '/api/rooms/{roomId}/close': {
      post: {
        ...admin,
        summary: 'Close a room (reason admin)',
        operationId: 'closeRoom',
        parameters: roomPath,
        responses: {
          '200': { description: 'closed', content: json(c.add('RoomActionAnswer', roomActionAnswer)) },
          ...adminErrors,
        },
      },
    },
    '/api/rooms/{roomId}/cohosts/{userId}/kick': {
      post: {
        ...admin,
        summary: "End a co-host's session",
        operationId: 'kickCohost',
        parameters: [...roomPath, ...parameters('path', { userId: userIdParam })],
        responses: {
          '200': { description: 'kicked', content: json(c.add('RoomActionAnswer', roomActionAnswer)) },
          ...adminErrors,
        },
      },
    },
    '/api/tokens': {
      post: {
        ...admin,
        summary: 'Mint an app token (needs AUTH_JWT_SECRET)',
        operationId: 'mintToken',
        requestBody: { required: true, content: json(c.add('TokenRequest', tokenRequest(DOCUMENTED_MAX_TTL_S))) },
        responses: {
          '200': { description: 'a token', content: json(c.add('TokenAnswer', tokenAnswer)) },
          ...adminErrors,
        },
      },
    },
    '/_sim/token': {
      get: {
        ...simulator,
        summary: 'A dev token (dev secret and simulator only)',
        operationId: 'simToken',
        parameters: parameters('query', { userId: userIdParam }),
        responses: { '200': anyJson, ...errors(400) },
      },
    },
    '/_sim/streams/{stream}/publish': {
      post: {
        ...simulator,
        summary: 'Simulate a push',
        operationId: 'simPublish',
        parameters: simStream,
        requestBody: { content: json(c.add('SimPush', simPushBody)) },
        responses: { '200': anyJson, '400': anyJson, '403': anyJson },
      },
    },
    '/_sim/streams/{stream}/unpublish': {
      post: {
        ...simulator,
        summary: 'Simulate the end of a push',
        operationId: 'simUnpublish',
        parameters: simStream,
        responses: { '200': anyJson, '400': anyJson },
      },
    },
    '/_sim/mix/inject': {
      post: {
        ...simulator,
        summary: 'Inject a MixResult',
        operationId: 'simInject',
        requestBody: { required: true, content: json(c.add('SimInject', simInjectBody)) },
        responses: { '200': anyJson, '400': anyJson },
      },
    },
    '/_sim/state': {
      get: {
        ...simulator,
        summary: "The simulator's streams, mixes and cloud-mix tasks",
        operationId: 'simState',
        responses: { '200': anyJson },
      },
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'linkmic HTTP API',
      version,
      description:
        'AliLive callbacks, operations, the admin API and (in simulator mode) the embedded AliLive of linkmic ' +
        '(PROTOCOL §3; docs/protocol.md). Generated by `npm run contract` from the zod schemas in src/protocol/; do not edit by hand.',
    },
    servers: [{ url: 'http://localhost:3000' }],
    tags: [
      {
        name: 'callbacks',
        description: 'AliLive calls these (GET with a query string; POST with a form or JSON body too)',
      },
      { name: 'operations', description: 'health, readiness, metrics' },
      { name: 'admin', description: 'only with Authorization: Bearer <ADMIN_API_KEY>' },
      { name: 'simulator', description: 'the embedded AliLive (ALILIVE_MODE=simulator), for development' },
    ],
    paths,
    components: {
      schemas: c.schemas(),
      securitySchemes: { adminKey: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' } },
    },
  };
};

const ERROR_TEXT: Record<number, string> = {
  400: 'malformed',
  401: 'bad token, signature or admin key',
  404: 'no such room',
  409: 'conflict',
  413: 'body over 16 kB',
  429: 'too many failed admin keys',
  503: 'state could not be reached (AliLive retries)',
};
