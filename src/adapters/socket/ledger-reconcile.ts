import type { Logger } from '../../observability/logger.js';
import type { NodeRegistry } from './node-registry.js';
import type { Presence } from './presence.js';
import type { LinkmicServer } from './types.js';
import { ledgerMember } from './ledger-member.js';

/**
 * After the store was away: its copy of this node's ledger may be stale, since writes made while it was away
 * failed. A pair it holds that no socket here holds is a departure that was never committed (or was dropped after
 * retrying too long): report it gone now (presence checks the other nodes first). A pair held here that it lacks
 * is written again, so the sweep still covers it if this node dies.
 */
export const reconcileLedger = async (deps: {
  io: LinkmicServer;
  registry: Pick<NodeRegistry, 'stored' | 'forget' | 'restore'>;
  presence: Presence;
  logger: Logger;
}): Promise<number> => {
  const { io, registry, presence } = deps;
  const stored = await registry.stored();
  const held = new Set<string>();
  for (const socket of io.of('/').sockets.values()) {
    for (const roomId of socket.data.rooms ?? []) held.add(ledgerMember(roomId, socket.data.userId));
  }
  const stale = stored.filter((p) => !held.has(ledgerMember(p.roomId, p.userId)));
  if (stale.length > 0)
    deps.logger.warn({ module: 'ledger', count: stale.length }, 'departures the store missed; reporting them now');
  for (const p of stale) await presence.gone(p.userId, null, [p.roomId]);
  await registry.forget(stale);
  await registry.restore();
  return stale.length;
};
