/**
 * The users who raise a hand in the storm bench: each joins the room (typed client), then on `storm` every one
 * sends `cohost:request` (spread over `spreadMs`), and once all are acked, `cohost:cancel` the same way. Reports
 * each request's ack latency and the refusals by code.
 */
import { connectLinkmic, type LinkmicClient } from '../../src/client/index.js';
import { pushEvent, serveParent } from '../lib/child.js';
import { nowMs } from '../lib/stats.js';

const clients: LinkmicClient[] = [];

const burst = async (
  event: 'cohost:request' | 'cohost:cancel',
  roomId: string,
  spreadMs: number,
  acks: number[],
  refused: Record<string, number>,
): Promise<void> => {
  const step = clients.length > 1 ? spreadMs / (clients.length - 1) : 0;
  await Promise.all(
    clients.map(async (c, i) => {
      await new Promise((r) => setTimeout(r, i * step));
      const t0 = nowMs();
      const res = await c.request(event, { roomId });
      if (event === 'cohost:request') acks.push(nowMs() - t0);
      if (!res.ok) refused[`${event}:${res.error.code}`] = (refused[`${event}:${res.error.code}`] ?? 0) + 1;
    }),
  );
};

serveParent(
  {
    connect: async ({ url, tokens, roomId }: { url: string; tokens: string[]; roomId: string }) => {
      for (const token of tokens) {
        const c = await connectLinkmic(url, token, { socket: { reconnection: false }, ackTimeoutMs: 30_000 });
        const joined = await c.request('room:join', { roomId });
        if (!joined.ok) throw new Error(joined.error.message);
        clients.push(c);
      }
      return clients.length;
    },
    storm: async ({ roomId, spreadMs }: { roomId: string; spreadMs: number }) => {
      const acks: number[] = [];
      const refused: Record<string, number> = {};
      await burst('cohost:request', roomId, spreadMs, acks, refused);
      await burst('cohost:cancel', roomId, spreadMs, acks, refused);
      return { acks, refused };
    },
  },
  async () => {
    for (const c of clients.splice(0)) c.close();
  },
);
pushEvent('ready');
