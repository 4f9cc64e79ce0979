import {
  roomActionAnswer,
  roomAnswer,
  roomIdParam,
  roomsPage,
  roomsPageQuery,
  tokenAnswer,
  tokenRequest,
  userIdParam,
} from '../http.js';
import type { JsonSchema } from './components.js';
import { errorResponses, json, parameters, type Components } from './openapi-parts.js';

/** JWT_MAX_TTL_S's default: the documented bound of `ttlS` (a deployment's own may be lower). */
const DOCUMENTED_MAX_TTL_S = 86_400;

/** The admin API (`Authorization: Bearer <ADMIN_API_KEY>`). */
export const adminPaths = (c: Components): Record<string, JsonSchema> => {
  const roomPath = parameters('path', { roomId: roomIdParam });
  const admin = { tags: ['admin'], security: [{ adminKey: [] }] };
  const adminErrors = errorResponses(c, 400, 401, 404, 409, 429);
  return {
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
  };
};
