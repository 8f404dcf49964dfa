// Where a list stage goes on after a page: pure functions of the stored position and the
// page, so the rules that keep a pass from skipping anyone are read (and tested) in one place.
import type { ListCursor } from "../backfillValidators.js";

/**
 * Objects of an offset-paged list that each request reads again from the previous page:
 * if none of them comes back, objects before the position were deleted and the list shifted.
 */
export const OFFSET_OVERLAP = 5;

/** Where a list stage stands (the run's `listPositionFields`). */
export type Position = {
  cursor: ListCursor | null;
  reread: boolean;
  offset: number;
  anchors: string[];
  lastKey: number | null;
};

export const START: Position = { cursor: null, reread: false, offset: 0, anchors: [], lastKey: null };

/** One object of a page: its Clerk id and the key the list is ordered by (ms; null when it has none). */
export type Entry = { id: string; key: number | null };

/** What a page tells Clerk's list and the counts it already holds. */
export type PageFacts = {
  pageSize: number;
  /** Distinct objects of this list read before this page. */
  seen: number;
  /** Clerk's count of the list, when the step fetched it (always on a short page of a counted list). */
  total?: number | undefined;
};

/**
 * What to do with a page: which objects are new to the run (to store and count), where the next
 * request starts, whether this request counts as a page or as reading again, and whether the
 * list ended: `ended` (read to its end), `short` (it ended short of Clerk's count even after
 * reading it again), or null (go on).
 */
export type PageOutcome = {
  fresh: (entry: Entry) => boolean;
  position: Partial<Position>;
  rewind: boolean;
  end: "ended" | "short" | null;
};

/**
 * How a list that seems over ends: read to its end when what was seen reaches Clerk's count
 * (users deleted since they were read only add to what was seen), else read again from a safe
 * point once, then report the shortfall.
 */
function endOf(seenAfter: number, total: number | undefined, rereading: boolean): "ended" | "short" | "reread" {
  if (total === undefined || seenAfter >= total) return "ended";
  return rereading ? "short" : "reread";
}

/**
 * A page of a list read by Clerk's cursor (`starting_after`, oldest first), or, when it seemed
 * to end early, read again from the cursor's `created_at`. A cursor page follows the cursor, so
 * every object on it is new; a re-read brings back the objects of the cursor's millisecond (the
 * anchors). A page shorter than asked for (an empty `200 []` for a cursor whose object was deleted
 * included) ends the list only when what was seen reaches Clerk's count.
 */
export function afterCursorPage(position: Position, entries: Entry[], facts: PageFacts): PageOutcome {
  const fresh = (entry: Entry) => !position.reread || !position.anchors.includes(entry.id);
  const read = entries.filter(fresh);
  const last = read.at(-1);
  const next: Partial<Position> = { reread: false };
  if (last && last.key !== null) {
    const sameMs = (entry: Entry) => entry.key === last.key;
    const carried = position.cursor?.createdAt === last.key ? position.anchors : [];
    next.cursor = { id: last.id, createdAt: last.key };
    next.anchors = [...carried, ...read.filter(sameMs).map((entry) => entry.id)];
  }
  const full = entries.length >= facts.pageSize && read.length > 0;
  if (full) return { fresh, position: next, rewind: position.reread, end: null };
  const end = endOf(facts.seen + read.length, facts.total, position.reread);
  if (end === "reread") return { fresh, position: { ...next, reread: true }, rewind: false, end: null };
  return { fresh, position: next, rewind: position.reread, end };
}

/**
 * A page of a list Clerk pages by offset only. Each request starts at the previous page's last
 * objects (the anchors). A page that contains none of them and starts after the last one read
 * may have skipped objects: objects before the position were deleted and the list shifted. Then
 * the run reads further back, until the pages join up again. A short page whose end falls before
 * Clerk's `total_count` is not taken as the end: the run reads on from there once.
 */
export function afterOffsetPage(
  position: Position,
  entries: Entry[],
  facts: PageFacts & { descending: boolean },
): PageOutcome {
  const precedes = (a: number | null, b: number) => a !== null && (facts.descending ? a > b : a < b);
  const first = entries[0];
  const joined =
    position.offset === 0 ||
    position.anchors.length === 0 ||
    entries.some((entry) => position.anchors.includes(entry.id)) ||
    (first !== undefined && position.lastKey !== null && precedes(first.key, position.lastKey));
  if (!joined) {
    const offset = Math.max(0, position.offset - (facts.pageSize - position.anchors.length));
    return { fresh: () => false, position: { offset }, rewind: true, end: null };
  }
  const fresh = (entry: Entry) => !position.anchors.includes(entry.id);
  const overlap = Math.min(OFFSET_OVERLAP, facts.pageSize - 1, entries.length);
  const next: Partial<Position> = {
    offset: position.offset + entries.length - overlap,
    anchors: entries.slice(entries.length - overlap).map((entry) => entry.id),
    lastKey: entries.at(-1)?.key ?? position.lastKey,
    reread: false,
  };
  if (entries.length >= facts.pageSize) return { fresh, position: next, rewind: position.reread, end: null };
  // The list's own count: the position reached, against how many objects Clerk says it holds.
  const end = endOf(position.offset + entries.length, facts.total, position.reread);
  if (end === "reread") return { fresh, position: { ...next, reread: true }, rewind: false, end: null };
  return { fresh, position: next, rewind: position.reread, end };
}
