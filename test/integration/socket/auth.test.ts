import { SignJWT } from 'jose';
import { io as connectRaw } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLinkmic } from '../../../src/client/index.js';
import { SECRET, startServer, type TestServer } from './harness.js';

const key = (secret: string) => new TextEncoder().encode(secret);
const jwt = (claims: { sub?: string; exp?: number }, secret = SECRET, alg = 'HS256') => {
  const t = new SignJWT({}).setProtectedHeader({ alg });
  if (claims.sub !== undefined) t.setSubject(claims.sub);
  if (claims.exp !== undefined) t.setExpirationTime(claims.exp);
  return t.sign(key(secret));
};

describe('socket handshake auth', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  const refused = async (token: string | undefined): Promise<string> => {
    const before = server.io.of('/').sockets.size;
    const err = await connectLinkmic(server.url, token as string, { socket: { reconnection: false } }).then(
      () => {
        throw new Error('connected');
      },
      (e: Error) => e,
    );
    expect(server.io.of('/').sockets.size).toBe(before);
    return err.message;
  };
  const inFuture = () => Math.floor(server.clock.now() / 1000) + 600;

  it('refuses a handshake without a token', async () => {
    expect(await refused(undefined)).toBe('unauthorized: missing token');
    expect(await refused('')).toBe('unauthorized: missing token');
  });

  it('refuses a handshake whose auth is not an object with a token', async () => {
    const socket = connectRaw(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    const message = await new Promise<string>((resolve) => socket.on('connect_error', (e) => resolve(e.message)));
    socket.close();
    expect(message).toBe('unauthorized: missing token');
  });

  it('refuses a token signed with another secret', async () => {
    expect(await refused(await jwt({ sub: 'u1', exp: inFuture() }, 'not-the-secret'))).toBe(
      'unauthorized: invalid token',
    );
  });

  it('refuses a token with another algorithm, even under the same secret', async () => {
    expect(await refused(await jwt({ sub: 'u1', exp: inFuture() }, SECRET, 'HS512'))).toBe(
      'unauthorized: invalid token',
    );
  });

  it('refuses garbage', async () => {
    expect(await refused('not.a.jwt')).toBe('unauthorized: invalid token');
  });

  it('refuses an expired token, judged by the injected clock', async () => {
    const token = await server.token('u1', 60);
    const signedAt = server.clock.now();
    server.clock.set(signedAt + 61_000);
    try {
      expect(await refused(token)).toBe('unauthorized: token expired');
    } finally {
      server.clock.set(signedAt);
    }
  });

  it('accepts a token the host clock would call expired when the injected clock says it is not', async () => {
    const real = server.clock.now();
    server.clock.set(real - 3_600_000);
    try {
      const token = await server.token('u1', 60); // expired 59 minutes ago by the host's clock
      const client = await connectLinkmic(server.url, token, { socket: { reconnection: false } });
      expect(client.socket.connected).toBe(true);
      client.close();
    } finally {
      server.clock.set(real);
    }
  });

  it('refuses a token without a subject or with an invalid one', async () => {
    expect(await refused(await jwt({ exp: inFuture() }))).toBe('unauthorized: invalid subject');
    expect(await refused(await jwt({ sub: 'bad id!', exp: inFuture() }))).toBe('unauthorized: invalid subject');
    expect(await refused(await jwt({ sub: 'x'.repeat(65), exp: inFuture() }))).toBe('unauthorized: invalid subject');
  });

  it('connects with a valid token, as the token subject, in its user channel', async () => {
    const client = await server.connect('alice_01');
    const [socket] = await server.io.in('user:alice_01').fetchSockets();
    expect(socket?.data.userId).toBe('alice_01');
    expect(socket?.id).toBe(client.socket.id);
    client.close();
  });

  it('never dispatches anything for a refused handshake', () => {
    expect(server.recorder.calls).toEqual([]);
  });
});
