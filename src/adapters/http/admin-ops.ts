import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AuditTrail } from '../../app/audit.js';
import { isEntryId } from '../../app/audit-pages.js';
import type { RoomDispatcher, RoomRepository } from '../../app/ports.js';
import { isValidId } from '../../core/names.js';
import type { RoomState } from '../../core/types.js';
import { stageView, type StageView } from '../../core/views.js';
import { pageOfRooms, pageQuery } from './admin-pages.js';
import { sendError } from './errors.js';

/** This node's counters behind the operator view's chart (each node counts its own). */
export interface NodeCounters {
  /** AliLive callbacks answered (any result). */
  callbacks: number;
  /** Pushes and URL deliveries sent to sockets. */
  signals: number;
  /** Inputs applied to rooms (commands, callbacks, timers, feedback). */
  inputs: number;
}

export interface AdminOpsDeps {
  repo: Pick<RoomRepository, 'list'>;
  dispatcher: Pick<RoomDispatcher, 'load'>;
  /** Null with AUDIT_MAX_ENTRIES=0: the timeline route then answers 404. */
  trail: AuditTrail | null;
  /** Users off the stage connected to each room, on every node; null when the nodes did not answer in time. */
  audience(rooms: readonly { roomId: string; stage: string[] }[]): Promise<Record<string, number> | null>;
  counters(): Promise<NodeCounters>;
  clock: { now(): number };
}

/** One mix leg the room holds with AliLive (anything but `idle`: sent, running, degraded or being stopped). */
export interface RunningMix {
  cohost: string;
  main: string;
  mix: string;
  /** The room whose viewers see this overlay. */
  audience: string;
  phase: string;
  gen: number;
}

export interface OpsRoom {
  room: StageView;
  /** Viewers connected (members that are neither the anchor nor a co-host); null when unknown. */
  audience: number | null;
  mixes: RunningMix[];
}

export const runningMixes = (room: RoomState): RunningMix[] =>
  room.cohosts.flatMap((c) =>
    c.legs
      .filter((l) => l.phase !== 'idle')
      .map((l) => ({ cohost: c.userId, main: l.main, mix: l.mix, audience: l.audience, phase: l.phase, gen: l.gen })),
  );

export const TIMELINE_DEFAULT = 50;
export const TIMELINE_MAX = 200;

const timelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(TIMELINE_MAX).default(TIMELINE_DEFAULT),
  cursor: z.string().max(200).optional(),
});

/** Cursors are opaque to clients (base64url of the last entry id of a page). */
const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): string | null => {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return isEntryId(id) && encodeCursor(id) === cursor ? id : null;
};

/**
 * The operator view's reads, mounted behind the admin key (`createAdminRouter`'s guard):
 * `GET /api/ops/rooms?limit=&cursor=` live rooms with audience and running mixes, `GET /api/rooms/:roomId/timeline?limit=&cursor=`
 * a room's audit trail newest first, `GET /api/ops/stats` this node's counters.
 */
export const createAdminOpsRouter = (deps: AdminOpsDeps): Router => {
  const router = Router();

  router.get('/api/ops/rooms', async (req: Request, res: Response) => {
    const query = pageQuery(req.query);
    if (!query.ok) return sendError(res, 'bad_request', query.message);
    const { ids, next } = pageOfRooms(await deps.repo.list(), query.page);
    const views = (await Promise.all(ids.map((id) => deps.dispatcher.load(id))))
      .filter((r): r is RoomState => r !== null)
      .map((state) => ({ state, room: stageView(state) }));
    const stages = views.map(({ room }) => ({
      roomId: room.roomId,
      stage: [room.anchor.userId, ...room.cohosts.map((c) => c.userId)],
    }));
    const audience = await deps.audience(stages).catch(() => null);
    const rooms: OpsRoom[] = views.map(({ state, room }) => ({
      room,
      audience: audience?.[room.roomId] ?? null,
      mixes: runningMixes(state),
    }));
    res.json({ ok: true, rooms, next });
  });

  router.get('/api/rooms/:roomId/timeline', async (req: Request, res: Response) => {
    const roomId = req.params.roomId;
    if (!isValidId(roomId)) return sendError(res, 'bad_request', 'roomId must be 1–64 of [A-Za-z0-9_-]');
    if (!deps.trail) return sendError(res, 'not_found', 'the audit trail is off (AUDIT_MAX_ENTRIES=0)');
    const parsed = timelineQuery.safeParse(req.query);
    if (!parsed.success)
      return sendError(
        res,
        'bad_request',
        `limit must be an integer from 1 to ${TIMELINE_MAX}; cursor a value from "next"`,
      );
    const before = parsed.data.cursor === undefined ? null : decodeCursor(parsed.data.cursor);
    if (parsed.data.cursor !== undefined && before === null)
      return sendError(res, 'bad_request', 'cursor: not a value from "next"');
    const page = await deps.trail.page(roomId, { limit: parsed.data.limit, before });
    res.json({ ok: true, roomId, entries: page.entries, next: page.next === null ? null : encodeCursor(page.next) });
  });

  router.get('/api/ops/stats', async (_req: Request, res: Response) => {
    res.json({ ok: true, at: deps.clock.now(), ...(await deps.counters()) });
  });

  return router;
};
