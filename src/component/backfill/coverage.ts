// What the full passes say about a user the component neither holds nor has tombstoned. A full
// pass lists every user Clerk has: one created before such a pass began, and not stored since,
// was deleted before the pass reached it (by a hand-written sync the component replaced, or
// while a tombstone's 30 days have passed). So a delivery of it is a late replay, and must not
// bring the user back.
//
// A delivery reads the newest `done` full run (never written again once it ended) and the
// `fullPassListing` row, never the running run's own row: each step of a pass writes that one,
// and on a deployment every delivery reading it would conflict with every step.
import type { MutationCtx, QueryCtx } from "../_generated/server.js";
import type { UserRecord } from "../records.js";
import type { NotAdmitted } from "../snapshots.js";
import { WATERMARK_MARGIN_MS } from "./run.js";
import type { Run } from "./source.js";
import { currentStage } from "./status.js";

/**
 * For a webhook's snapshot of a user the component neither holds nor has tombstoned (asked by
 * `applySnapshot` once it has read both): `stale` when a full pass that began after the user was
 * created has listed users to their end without it; `deferred` while the running full pass is
 * still listing users, so that the pass decides first (Svix retries the delivery); `apply` it when
 * it was created after a full pass began (new since the component took deliveries), or when no
 * full pass has run yet, unless `holdUnlisted`: then `held`, for the first pass to decide. Clerk's
 * and Convex's clocks may differ: a user created within `WATERMARK_MARGIN_MS` of a pass's start
 * is applied.
 */
export async function unheldUserVerdict(
  ctx: QueryCtx,
  user: UserRecord,
  holdUnlisted: boolean,
): Promise<"apply" | NotAdmitted> {
  const listedSince = (startedAt: number) => user.createdAt < startedAt - WATERMARK_MARGIN_MS;
  // No pass can have begun late enough for a user created this recently: a sign-up reads nothing more.
  if (!listedSince(Date.now())) return "apply";
  const done = await ctx.db
    .query("backfillRuns")
    .withIndex("by_mode_and_status", (q) => q.eq("mode", "full").eq("status", "done"))
    .order("desc")
    .first();
  if (done && listedSince(done.startedAt)) return "stale";
  const running = await ctx.db.query("fullPassListing").first();
  if (running && listedSince(running.startedAt)) return running.listingUsers ? "deferred" : "stale";
  return done || running || !holdUnlisted ? "apply" : "held";
}

/**
 * Keep `fullPassListing` in step with the run, where its stage changes: a full pass's row from
 * its start, marked once the pass is past its users, and deleted when the run ends.
 */
export async function recordListing(ctx: MutationCtx, run: Run) {
  if (run.mode !== "full") return;
  const row = await ctx.db.query("fullPassListing").first();
  if (run.status !== "running") {
    if (row?.runId === run._id) await ctx.db.delete("fullPassListing", row._id);
    return;
  }
  const stage = currentStage(run);
  const listingUsers = stage.kind === "users" && stage.step === "list";
  if (row?.runId !== run._id) {
    if (row) await ctx.db.delete("fullPassListing", row._id);
    await ctx.db.insert("fullPassListing", { runId: run._id, startedAt: run.startedAt, listingUsers });
  } else if (row.listingUsers !== listingUsers) {
    await ctx.db.patch("fullPassListing", row._id, { listingUsers });
  }
}
