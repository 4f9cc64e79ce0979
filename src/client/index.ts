/**
 * A small typed client for apps. Only types come from the server side, so this file bundles with
 * socket.io-client alone.
 */
import { io } from 'socket.io-client';
import type { ConnectOptions, LinkmicClient, LinkmicSocketClient } from './client-api.js';
import { createLinkmicClient } from './linkmic-client.js';
import { subjectOf } from './token-subject.js';

export type * from '../protocol/events.js';
export type * from './client-api.js';
export type { Rejoined } from './rejoin.js';

/**
 * Connects with an app token (JWT, `sub` = user id). Resolves once connected; rejects with the server's
 * reason (`unauthorized: token expired`, …) or on timeout, leaving nothing open behind. After a reconnect the
 * client joins its rooms again by itself and raises `rejoined`; view pushes reach listeners in order.
 * @example
 *   const client = await connectLinkmic('https://linkmic.example.com', token);
 *   client.on('view', ({ room }) => render(room));
 *   await client.request('room:open', { roomId: 'r1' });
 */
export const connectLinkmic = (url: string, token: string, opts: ConnectOptions = {}): Promise<LinkmicClient> => {
  const { connectTimeoutMs = 10_000, ackTimeoutMs = 10_000, reorderMs = 250 } = opts;
  // websocket only: no long-polling upgrade dance, and no sticky sessions needed behind a load balancer.
  const socket: LinkmicSocketClient = io(url, {
    transports: ['websocket'],
    forceNew: true,
    ...opts.socket,
    auth: { token },
  });
  const client = createLinkmicClient(socket, subjectOf(token), { ackTimeoutMs, reorderMs });
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      cleanup();
      client.close();
      reject(err);
    };
    const onConnect = (): void => {
      cleanup();
      resolve(client);
    };
    // The first failure settles the promise: a refusal (`unauthorized: …`) is final, and an app that wants
    // to wait out a network error retries the connect itself.
    const onError = (err: Error): void => fail(new Error(err.message));
    const timer = setTimeout(
      () => fail(new Error(`timed out after ${connectTimeoutMs} ms connecting`)),
      connectTimeoutMs,
    );
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
    };
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
};
