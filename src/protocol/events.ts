/**
 * The socket.io contract of PROTOCOL §4, shared by the server and the typed client (type-only imports:
 * nothing here exists at run time). Types do not replace validation: every payload is checked by
 * `payloads.ts` before it reaches the core.
 */
import type { ErrorCode } from '../core/errors.js';
import type { Role, ViewKind } from '../core/views.js';
import type { Grants } from './grants.js';

export type { ErrorCode, Grants, Role, ViewKind };
/** The views sockets get, with their play URLs. */
export type * from './wire-views.js';
/** Every acknowledgement's shape. */
export type * from './acks.js';
/** Client → server: the commands, their payloads and their acks. */
export type * from './client-commands.js';
/** Server → client: view pushes, personal deliveries, notices. */
export type * from './server-pushes.js';
/** What the server keeps per socket, and the (empty) inter-server map. */
export type * from './socket-data.js';
