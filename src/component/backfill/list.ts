// A list stage: what the host's step reads next, and how a page it read is stored.
import type { MutationCtx } from "../_generated/server.js";
import type { BackfillKind, BackfillStepPlan, ListPosition } from "../backfillValidators.js";
import { afterCursorPage, afterOffsetPage, type PageOutcome } from "./paging.js";
import { countUndelivered } from "../graceStores.js";
import { advance, copyCounts } from "./run.js";
import type { BackfillSource, Run } from "./source.js";
import { sourceOf } from "./sources.js";

function pageSizeOf(run: Run, source: BackfillSource<unknown>) {
  return Math.min(run.pageSize, source.maxPage ?? run.pageSize);
}

/** The next request of a list stage: where, how many, and whether to count. */
export function planList(run: Run, kind: BackfillKind): BackfillStepPlan {
  const source = sourceOf(kind);
  const cursorPaged = source.listing(run).paging === "cursor";
  let position: ListPosition = { type: "offset", offset: run.offset };
  if (cursorPaged) {
    // A list that seemed to end short of Clerk's count is read again from the cursor's millisecond.
    position =
      run.reread && run.cursor
        ? { type: "createdSince", createdAt: run.cursor.createdAt }
        : { type: "cursor", after: run.cursor };
  }
  const count = !cursorPaged ? "never" : run.clerkTotal === null ? "always" : "ifShort";
  return { step: "list", kind, pageSize: pageSizeOf(run, source), position, count };
}

/**
 * Store one page under the snapshot rules and move the list on. `total` is Clerk's count of the
 * list when the step has it (a user count, or the list's `total_count`).
 */
export async function applyListPage(
  ctx: MutationCtx,
  run: Run,
  page: { kind: BackfillKind; items: unknown[] },
  requests: number,
  total: number | undefined,
  skip: string[] = [],
) {
  const source = sourceOf(page.kind);
  const listing = source.listing(run);
  const counts = copyCounts(run.counts);
  counts.requests += requests;
  const kindCounts = counts.byKind[page.kind];
  const entries = page.items.map((item) => source.entry(item, run));
  const facts = { pageSize: pageSizeOf(run, source), seen: kindCounts.seen, total };
  const outcome: PageOutcome =
    listing.paging === "cursor"
      ? afterCursorPage(run, entries, facts)
      : afterOffsetPage(run, entries, { ...facts, descending: listing.descending });
  if (outcome.rewind) counts.rewinds++;
  else counts.pages++;

  const isNew = page.items.map((_, i) => outcome.fresh(entries[i]!));
  const fresh = page.items.filter((_, i) => isNew[i] && !skip.includes(entries[i]!.id));
  // The heartbeat's users: seen (the list's count includes them), never stored, counted or reconciled.
  kindCounts.seen += page.items.filter((_, i) => isNew[i] && skip.includes(entries[i]!.id)).length;
  const cut = source.cut && run.mode === "incremental" ? source.cut(run, fresh) : { items: fresh, ended: false };
  const tally = { kind: page.kind, counts: kindCounts, firstListing: run.baseline.includes(page.kind) };
  const stored = (await source.store(ctx, run, cut.items, tally)) ?? {};
  const end = cut.ended ? "ended" : outcome.end;
  // The list is read: changes an earlier pass stored inside the grace that no delivery brought are repairs too.
  if (end !== null) await countUndelivered(ctx, page.kind, kindCounts);
  const patch: Partial<Run> = { ...outcome.position, ...stored, counts, lastError: null };
  if (page.kind === "users" && total !== undefined) patch.clerkTotal = total;
  if (end === "short") {
    patch.shortfalls = [...run.shortfalls, { kind: page.kind, seen: kindCounts.seen, clerkTotal: total ?? 0 }];
  }
  await advance(ctx, run, patch, end !== null, requests);
}
