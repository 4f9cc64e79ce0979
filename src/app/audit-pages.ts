import type { AuditEntry, AuditPage } from './audit.js';

/** Newest first by time (stable for equal times), then the page after the entry `before` names. */
export const pageOfEntries = (
  entries: readonly AuditEntry[],
  query: { limit: number; before: string | null },
): AuditPage => {
  const sorted = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.at - a.e.at || a.i - b.i)
    .map(({ e }) => e);
  let rest = sorted;
  if (query.before !== null) {
    const at = sorted.findIndex((e) => e.id === query.before);
    // The cursor's entry was trimmed away meanwhile: continue from its time, which its id carries.
    rest = at >= 0 ? sorted.slice(at + 1) : sorted.filter((e) => e.at < timeOfId(query.before!));
  }
  const page = rest.slice(0, query.limit);
  return { entries: page, next: rest.length > query.limit ? page[page.length - 1]!.id : null };
};

/** The `at` an entry id starts with (base 36); 0 for an id that is not one of ours. */
export const timeOfId = (id: string): number => {
  const at = parseInt(id.split('-')[0] ?? '', 36);
  return Number.isFinite(at) ? at : 0;
};

/** An id this module could have made: what a cursor must look like. */
export const isEntryId = (id: string): boolean => /^[0-9a-z]{1,12}-[0-9a-z]{1,16}-[0-9a-z]{1,8}$/.test(id);

/** Entries read back from a store: anything that is not an entry (a foreign write, an old shape) is skipped. */
export const parseEntry = (raw: string): AuditEntry | null => {
  try {
    const e = JSON.parse(raw) as Partial<AuditEntry>;
    return typeof e.id === 'string' &&
      typeof e.at === 'number' &&
      typeof e.name === 'string' &&
      typeof e.kind === 'string'
      ? (e as AuditEntry)
      : null;
  } catch {
    return null;
  }
};
