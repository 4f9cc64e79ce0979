/**
 * Type tests of the socket event maps. Named `.test.ts` (not `.test-d.ts`) so `vitest run` includes it;
 * the assertions are checked by `tsc --noEmit` and the file runs as ordinary (trivially passing) tests.
 */
import type { Server } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { ErrorCode } from '../../src/core/errors.js';
import type { SignalPayloads } from '../../src/core/signals.js';
import type { Role } from '../../src/core/views.js';
import type {
  RoomView,
  StageView,
  Ack,
  ClientAck,
  ClientEvent,
  ClientPayload,
  ClientToServerEvents,
  InterServerEvents,
  ServerEvent,
  ServerPayloads,
  ServerToClientEvents,
  SocketData,
} from '../../src/protocol/events.js';
import type { payloadSchemas } from '../../src/protocol/payloads.js';
import type { LinkmicClient } from '../../src/client/index.js';

describe('socket event maps', () => {
  it('lists exactly the client events of PROTOCOL §4', () => {
    expectTypeOf<ClientEvent>().toEqualTypeOf<
      | 'room:open'
      | 'room:join'
      | 'room:sync'
      | 'room:leave'
      | 'room:close'
      | 'cohost:request'
      | 'cohost:cancel'
      | 'cohost:accept'
      | 'cohost:reject'
      | 'cohost:leave'
      | 'cohost:kick'
    >();
  });

  it('gives every client event one payload and an ack callback', () => {
    expectTypeOf<ClientToServerEvents['room:open']>().parameters.toEqualTypeOf<
      [{ roomId: string }, (res: Ack<{ room: StageView; push: { url: string } }>) => void]
    >();
    expectTypeOf<ClientPayload<'cohost:accept'>>().toEqualTypeOf<{ roomId: string; userId: string }>();
    expectTypeOf<ClientPayload<'cohost:request'>>().toEqualTypeOf<{ roomId: string }>();
    expectTypeOf<ClientAck<'room:join'>>().toEqualTypeOf<
      | { ok: true; room: RoomView; role: Role; play: { rtmp: string; flv: string; hls: string } }
      | { ok: false; error: { code: ErrorCode; message: string } }
    >();
    expectTypeOf<ClientAck<'room:close'>>().toEqualTypeOf<
      { ok: true } | { ok: false; error: { code: ErrorCode; message: string } }
    >();
  });

  it('validates exactly the payload types the map declares', () => {
    type Parsed = { [E in ClientEvent]: z.infer<(typeof payloadSchemas)[E]> };
    expectTypeOf<Parsed>().toEqualTypeOf<{ [E in ClientEvent]: ClientPayload<E> }>();
  });

  it('narrows an ack on ok', () => {
    const handle = (res: ClientAck<'room:open'>) => {
      if (res.ok) expectTypeOf(res.push.url).toBeString();
      else expectTypeOf(res.error.code).toEqualTypeOf<ErrorCode>();
    };
    expectTypeOf(handle).toBeFunction();
  });

  it('lists every server event of PROTOCOL §4, with the core payloads reused and a view on every signal', () => {
    expectTypeOf<ServerEvent>().toEqualTypeOf<
      | 'room:state'
      | 'room:closed'
      | 'cohost:requested'
      | 'cohost:request-ended'
      | 'cohost:accepted'
      | 'stream:pull-low-latency'
      | 'mix:live'
      | 'mix:degraded'
      | 'mix:stopped'
      | 'cohost:ended'
      | 'auth:expiring'
      | 'auth:expired'
      | 'server:draining'
      | 'room:lost'
    >();
    expectTypeOf<ServerPayloads['room:lost']>().toEqualTypeOf<{ roomId: string; reason: 'state-lost' }>();
    expectTypeOf<ServerToClientEvents['room:state']>().parameters.toEqualTypeOf<[RoomView]>();
    expectTypeOf<ServerPayloads['mix:live']>().toEqualTypeOf<
      SignalPayloads['mix:live'] & { version: number; room: RoomView }
    >();
    expectTypeOf<ServerPayloads['auth:expiring']>().toEqualTypeOf<{ at: number }>();
    expectTypeOf<ServerPayloads['auth:expired']>().toEqualTypeOf<{ at: number }>();
    expectTypeOf<ServerPayloads['server:draining']>().toEqualTypeOf<{ reconnectInMs: number }>();
    expectTypeOf<ServerPayloads['cohost:accepted']>().toEqualTypeOf<{ roomId: string; push: { url: string } }>();
    expectTypeOf<ServerPayloads['stream:pull-low-latency']>().toEqualTypeOf<{
      roomId: string;
      userId: string;
      url: string;
    }>();
  });

  it('fits socket.io generics on both ends', () => {
    type S = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
    expectTypeOf<Parameters<S['emit']>[0]>().toEqualTypeOf<ServerEvent>();
    type C = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
    expectTypeOf<C['emitWithAck']>().toBeFunction();
    expectTypeOf<SocketData>().toEqualTypeOf<{
      userId: string;
      rooms: string[];
      anchorOf: string[];
      exp: number;
      grants: { anchor: string[]; cohost: boolean; pair: boolean };
    }>();
  });

  it('keeps auth:refresh apart from the room commands, with its own ack', () => {
    expectTypeOf<'auth:refresh'>().not.toExtend<ClientEvent>();
    expectTypeOf<ClientToServerEvents['auth:refresh']>().parameters.toEqualTypeOf<
      [{ token: string }, (res: Ack<{ at: number }>) => void]
    >();
    expectTypeOf<LinkmicClient['refresh']>().returns.resolves.toEqualTypeOf<Ack<{ at: number }>>();
  });

  it('types the app client by event', () => {
    expectTypeOf<LinkmicClient['request']>().toBeFunction();
    const use = async (client: LinkmicClient) => {
      const res = await client.request('room:open', { roomId: 'r1' });
      expectTypeOf(res).toEqualTypeOf<ClientAck<'room:open'>>();
      const payload = await client.next('cohost:request-ended');
      expectTypeOf(payload.reason).toEqualTypeOf<'cancelled' | 'rejected' | 'timeout' | 'room-closed'>();
      // @ts-expect-error: room:open takes no target user
      await client.request('room:open', { roomId: 'r1', userId: 'u1' });
      // @ts-expect-error: not a client event
      await client.request('mix:live', { roomId: 'r1' });
      // @ts-expect-error: not a server event
      client.on('room:open', () => {});
    };
    expectTypeOf(use).toBeFunction();
  });
});
