import { simInjectBody, simPushBody, simStreamParam, userIdParam } from '../http.js';
import type { JsonSchema } from './components.js';
import { errorResponses, json, parameters, type Components } from './openapi-parts.js';

/** The embedded AliLive's controls (`/_sim`, simulator mode only). */
export const simulatorPaths = (c: Components): Record<string, JsonSchema> => {
  const simulator = { tags: ['simulator'] };
  const simStream = parameters('path', { stream: simStreamParam });
  const anyJson = { description: 'ok', content: json({ type: 'object' }) };
  return {
    '/_sim/token': {
      get: {
        ...simulator,
        summary: 'A dev token (dev secret and simulator only)',
        operationId: 'simToken',
        parameters: parameters('query', { userId: userIdParam }),
        responses: { '200': anyJson, ...errorResponses(c, 400) },
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
};
