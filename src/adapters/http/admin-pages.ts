import { isValidId } from '../../core/names.js';
import { DEFAULT_PAGE, MAX_PAGE, roomsPageQuery } from '../../protocol/http.js';

export interface PageRequest {
  limit: number;
  /** Only rooms whose id sorts after this one. */
  after: string | null;
}

export { DEFAULT_PAGE, MAX_PAGE };
const query = roomsPageQuery;

/** Cursors are opaque to clients (base64url of the last id of a page); they stay valid when that room closes. */
const encodeCursor = (roomId: string): string => Buffer.from(roomId, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): string | null => {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return isValidId(id) && encodeCursor(id) === cursor ? id : null;
};

/** `?limit=&cursor=` of `GET /api/rooms`. */
export const pageQuery = (raw: unknown): { ok: true; page: PageRequest } | { ok: false; message: string } => {
  const parsed = query.safeParse(raw);
  if (!parsed.success)
    return { ok: false, message: `limit must be an integer from 1 to ${MAX_PAGE}; cursor a value from "next"` };
  const { limit, cursor } = parsed.data;
  if (cursor === undefined) return { ok: true, page: { limit, after: null } };
  const after = decodeCursor(cursor);
  return after === null
    ? { ok: false, message: 'cursor: not a value from "next"' }
    : { ok: true, page: { limit, after } };
};

/**
 * One page of room ids in a stable order (sorted by id, so a room opened or closed between pages moves no
 * other room), and the cursor of the next page (null on the last).
 */
export const pageOfRooms = (all: readonly string[], page: PageRequest): { ids: string[]; next: string | null } => {
  const sorted = [...new Set(all)].sort();
  const rest = page.after === null ? sorted : sorted.filter((id) => id > page.after!);
  const ids = rest.slice(0, page.limit);
  return { ids, next: rest.length > page.limit ? encodeCursor(ids[ids.length - 1]!) : null };
};
