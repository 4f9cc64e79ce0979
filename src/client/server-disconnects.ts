import type { LinkmicSocketClient } from './client-api.js';

/** The longest wait a draining node may ask for before this client comes back. */
const MAX_HINT_MS = 60_000;

/**
 * socket.io does not reconnect after the server disconnects on purpose. A draining node does that and expects
 * the client back, on another node, after the wait it hints (its sockets spread over a window, not all at
 * once); one whose token expired does not (that needs a new connection with a new token). Returns what the app's
 * `close` calls, so a closed client stays closed.
 */
export const reconnectAfterServerDisconnect = (socket: LinkmicSocketClient): { closedByApp(): void } => {
  let closedByApp = false;
  let expired = false;
  let hintMs: number | null = null;
  socket.on('auth:expired', () => void (expired = true));
  socket.on(
    'server:draining',
    ({ reconnectInMs }) => void (hintMs = Math.min(Math.max(0, reconnectInMs), MAX_HINT_MS)),
  );
  socket.on('disconnect', (reason) => {
    const delay = hintMs ?? 100 + Math.random() * 400;
    hintMs = null;
    if (reason !== 'io server disconnect' || closedByApp || expired) return;
    setTimeout(() => !closedByApp && socket.connect(), delay);
  });
  return { closedByApp: () => void (closedByApp = true) };
};
