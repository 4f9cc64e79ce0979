import { parseEntryId } from './audit-entry-id.js';
import type { AuditEntry, AuditPage } from './audit-trail.js';

/** Newest first by time (stable for equal times), then the page after the entry `before` names. */
export const pageOfEntries = (
  entries: readonly AuditEntry[],
  query: { limit: number; before: string | null },
): AuditPage => {
  const sorted = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.at - a.e.at || a.i - b.i)
    .map(({ e }) => e);
  const { before } = query;
  let rest = sorted;
  if (before !== null) {
    const at = sorted.findIndex((e) => e.id === before);
    // The cursor's entry was trimmed away meanwhile: continue from its time, which its id carries.
    rest = at >= 0 ? sorted.slice(at + 1) : sorted.filter((e) => e.at < timeOfId(before));
  }
  const page = rest.slice(0, query.limit);
  const last = page[page.length - 1];
  return { entries: page, next: rest.length > query.limit && last ? last.id : null };
};

/** The `at` an entry id starts with (base 36); 0 for an id that is not one of ours. */
export const timeOfId = (id: string): number => parseEntryId(id)?.at ?? 0;

/** An id this module could have made: what a cursor must look like. */
export const isEntryId = (id: string): boolean => parseEntryId(id) !== null;

/** Entries read back from a store: anything that is not an entry (a foreign write, an old shape) is skipped. */
export const parseEntry = (raw: string): AuditEntry | null => {
  try {
    const e: unknown = JSON.parse(raw);
    return looksLikeEntry(e) ? e : null;
  } catch {
    return null;
  }
};

/** The fields every reader relies on; the rest are shown as they come. */
const looksLikeEntry = (e: unknown): e is AuditEntry =>
  typeof e === 'object' &&
  e !== null &&
  'id' in e &&
  typeof e.id === 'string' &&
  'at' in e &&
  typeof e.at === 'number' &&
  'name' in e &&
  typeof e.name === 'string' &&
  'kind' in e &&
  typeof e.kind === 'string';
