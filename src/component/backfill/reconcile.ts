// A reconciliation stage: the stored objects a full pass did not see in Clerk are confirmed
// with Clerk by the host's step, and those Clerk no longer has are deleted as a webhook would.
import type { MutationCtx, QueryCtx } from "../_generated/server.js";
import type { BackfillKind, BackfillStepPlan, ReconcileCandidate } from "../backfillValidators.js";
import { advance, copyCounts } from "./run.js";
import { runContext, type Reconciler, type Run } from "./source.js";
import { sourceOf } from "./sources.js";

/** Rows of a table examined per reconciliation step (one look-up each). */
const RECONCILE_SCAN = 1000;
/** Candidates per reconciliation step at most: each costs a Clerk request. */
const RECONCILE_CANDIDATES = 100;

function reconcilerOf(kind: BackfillKind): Reconciler {
  const reconciler = sourceOf(kind).reconcile;
  if (!reconciler) throw new Error(`${kind} is not reconciled`);
  return reconciler;
}

/**
 * Of the next rows in Clerk id order, those stored before the run began that the run did not
 * see in Clerk: Clerk may no longer have them. (Rows created since arrived by webhook; Clerk
 * had them.) At most RECONCILE_CANDIDATES; `nextCursor` is the last row examined, null when
 * the table is done.
 */
export async function planReconcile(ctx: QueryCtx, run: Run, kind: BackfillKind): Promise<BackfillStepPlan> {
  const reconciler = reconcilerOf(kind);
  const rows = await reconciler.scan(ctx, run.reconcileCursor, RECONCILE_SCAN);
  const candidates: ReconcileCandidate[] = [];
  for (const { candidate, creationTime } of rows) {
    if (creationTime > run.startedAt) continue;
    const seen = await ctx.db
      .query("backfillSeen")
      .withIndex("by_run_clerk_id", (q) => q.eq("runId", run._id).eq("clerkId", candidate.id))
      .first();
    if (seen || (await reconciler.skip?.(ctx, candidate))) continue;
    candidates.push(candidate);
    if (candidates.length === RECONCILE_CANDIDATES) {
      return { step: "reconcile", kind, candidates, nextCursor: candidate.id };
    }
  }
  const last = rows.at(-1);
  const nextCursor = rows.length === RECONCILE_SCAN && last ? last.candidate.id : null;
  return { step: "reconcile", kind, candidates, nextCursor };
}

/** Delete (tombstone, with hooks) the objects Clerk confirmed gone, and go on. */
export async function applyGone(
  ctx: MutationCtx,
  run: Run,
  kind: BackfillKind,
  gone: { ids: string[]; nextCursor: string | null; requests: number },
) {
  const reconciler = reconcilerOf(kind);
  const counts = copyCounts(run.counts);
  counts.requests += gone.requests;
  for (const id of gone.ids) {
    if ((await reconciler.remove(ctx, id, runContext(run))) === "deleted") counts.byKind[kind].deleted++;
  }
  const patch = { counts, reconcileCursor: gone.nextCursor, lastError: null };
  await advance(ctx, run, patch, gone.nextCursor === null, gone.requests);
}
