// What the run needs to know about one kind of Clerk object: how its list is paged, how a
// page is stored (through the snapshot rules), and how it is reconciled. One module per kind
// in this folder implements it; sources.ts lists them.
import type { Validator } from "convex/values";
import type { Doc } from "../_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";
import type { BackfillKind, KindCounts, ReconcileCandidate } from "../backfillValidators.js";
import type { ChangeContext, ChangeOutcome } from "../changes.js";
import { awaitDelivery, REPAIR_GRACE_MS } from "../graceStores.js";
import { applySnapshot, type SyncedKind, type SyncedTable } from "../snapshots.js";
import type { Entry } from "./paging.js";

export type Run = Doc<"backfillRuns">;

/** A page's kind and its counts, and whether this is the first pass to list the kind. */
export type Tally = { kind: BackfillKind; counts: KindCounts; firstListing: boolean };

/**
 * How a kind's list is read: by Clerk's cursor (oldest first; `key` is `created_at`), or by
 * offset, in ascending or descending order of `key`.
 */
export type Listing = { paging: "cursor" } | { paging: "offset"; descending: boolean };

export type BackfillSource<T, K extends BackfillKind = BackfillKind> = {
  kind: K;
  /** One object of a page, as the host's step sends it. */
  item: Validator<T, "required", string>;
  /** Full passes list the kind when this option is on (users: always). */
  option?: "organizations" | "billing";
  /** Incremental passes list the kind too (users only). */
  incremental?: true;
  /** Objects per page at most, when a page of the run's size would not fit one mutation. */
  maxPage?: number;
  listing(run: Run): Listing;
  /** The object's Clerk id and the key its list is ordered by. */
  entry(item: T, run: Run): Entry;
  /** Incremental passes: the objects to keep, and whether the list ends here (past the watermark). */
  cut?(run: Run, items: T[]): { items: T[]; ended: boolean };
  /**
   * Store a page's new objects under the snapshot rules, counting outcomes; may answer a patch of
   * the run. `tally.firstListing`: no earlier pass listed the kind, so its inserts are no repairs.
   */
  store(ctx: MutationCtx, run: Run, items: T[], tally: Tally): Promise<Partial<Run> | void>;
  reconcile?: Reconciler;
};

/** Deleting what Clerk no longer has: the kind's table walked in Clerk id order. */
export type Reconciler = {
  /** Up to `n` stored rows after the Clerk id `after` (null: from the start). */
  scan(ctx: QueryCtx, after: string | null, n: number): Promise<StoredRow[]>;
  /** Rows never to delete here (a membership whose organization or member is already deleted). */
  skip?(ctx: QueryCtx, candidate: ReconcileCandidate): Promise<boolean>;
  /** Delete an object Clerk confirmed gone, as a webhook would. */
  remove(ctx: MutationCtx, id: string, context: ChangeContext): Promise<ChangeOutcome>;
};
export type StoredRow = { candidate: ReconcileCandidate; creationTime: number };

export function runContext(run: Run): ChangeContext {
  return { source: "backfill", hooks: run.hooks };
}

/** Record that a full pass with reconciliation saw an object in Clerk. */
export async function markSeen(ctx: MutationCtx, run: Run, clerkId: string) {
  if (run.reconcile) await ctx.db.insert("backfillSeen", { runId: run._id, clerkId });
}

/**
 * Count what became of one snapshot of the object `id`, which Clerk last changed at `changedAt`:
 * the one place that decides what a pass repaired (see `KindCounts.repaired`). A change stored
 * inside the repair grace is kept until a delivery brings it; the next pass counts it otherwise.
 */
export async function countOutcome(
  ctx: MutationCtx,
  { counts, firstListing, kind }: Tally,
  outcome: ChangeOutcome,
  { id, changedAt }: { id: string; changedAt: number },
  { eventless = false }: { eventless?: boolean } = {},
) {
  if (outcome === "inserted" || outcome === "updated" || outcome === "unchanged" || outcome === "stale") {
    counts[outcome]++;
  }
  // A change Clerk sends no event for (an invitation's expiry) is no webhook's to bring.
  const stored = !eventless && (outcome === "updated" || (outcome === "inserted" && !firstListing));
  if (!stored) return;
  if (changedAt > Date.now() - REPAIR_GRACE_MS) return awaitDelivery(ctx, kind, id, changedAt);
  counts.repaired++;
  counts.lastMissed = Math.max(counts.lastMissed ?? changedAt, changedAt);
}

/**
 * Store each object as its own snapshot and mark it seen: the store of most kinds. `eventless`
 * names the snapshots no webhook would have brought, which are therefore no repair.
 */
export async function storeEach<T extends SyncedTable, R extends { updatedAt: number }>(
  ctx: MutationCtx,
  run: Run,
  kind: SyncedKind<T, R>,
  records: R[],
  tally: Tally,
  eventless: (record: R) => boolean = () => false,
) {
  for (const record of records) {
    const outcome = await applySnapshot(ctx, kind, record, runContext(run));
    const id = kind.idOf(record);
    await countOutcome(ctx, tally, outcome, { id, changedAt: record.updatedAt }, { eventless: eventless(record) });
    await markSeen(ctx, run, id);
  }
  tally.counts.seen += records.length;
}
