import { healthAnswer, readyAnswer } from '../http.js';
import type { JsonSchema } from './components.js';
import { json, type Components } from './openapi-parts.js';

/** Health, readiness and metrics: what a load balancer and Prometheus ask. */
export const operationPaths = (c: Components): Record<string, JsonSchema> => ({
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
});
