import { z } from 'zod';
import { callbackAnswer, mixAvailableParams, mixResultParams, mixTaskEvent, streamCallbackParams } from '../http.js';
import type { JsonSchema } from './components.js';
import { errorResponses, json, parameters, type Components } from './openapi-parts.js';

/** One callback route: GET with a query string, POST with a form or JSON body, the same answers. */
const callback = (c: Components, name: string, params: z.ZodObject, summary: string, signed: boolean) => {
  const body = c.add(`${name}Params`, params);
  const responses = {
    '200': {
      description: 'accepted (AliLive stops retrying)',
      content: json(c.add('CallbackAnswer', callbackAnswer)),
    },
    ...errorResponses(c, 400, 401, 413, 503),
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

/** The AliLive callback routes (PROTOCOL §3). */
export const callbackPaths = (c: Components): Record<string, JsonSchema> => ({
  '/callbacks/alilive/stream': callback(
    c,
    'StreamCallback',
    streamCallbackParams,
    'Stream status (publish, publish_done)',
    true,
  ),
  '/callbacks/alilive/mix-available': callback(
    c,
    'MixAvailableCallback',
    mixAvailableParams,
    'MixAvailable: the main stream can be mixed',
    false,
  ),
  '/callbacks/alilive/mix-result': callback(
    c,
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
        ...errorResponses(c, 401),
      },
    },
  },
});
