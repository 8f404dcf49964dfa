// What the full passes say about a user the component neither holds nor has tombstoned. A full
// pass lists every user Clerk has: one created before such a pass began, and not stored since,
// was deleted before the pass reached it (by a hand-written sync the component replaced, or
// while a tombstone's 30 days have passed). So a delivery of it is a late replay, and must not
// bring the user back.
import type { QueryCtx } from "../_generated/server.js";
import type { UserRecord } from "../records.js";
import { WATERMARK_MARGIN_MS } from "./run.js";
import { currentStage } from "./status.js";

/**
 * For a webhook's snapshot of a user the component neither holds nor has tombstoned (asked by
 * `applySnapshot` once it has read both): `apply` it (created after every full pass began); `stale` when a full pass that began after the user was created has listed users to
 * their end without it; `deferred` while the running full pass is still listing users, so that
 * the pass decides first (Svix retries the delivery). Clerk's and Convex's clocks may differ:
 * a user created within `WATERMARK_MARGIN_MS` of a pass's start is applied.
 */
export async function unheldUserVerdict(ctx: QueryCtx, user: UserRecord): Promise<"apply" | "stale" | "deferred"> {
  const listedSince = (startedAt: number) => user.createdAt < startedAt - WATERMARK_MARGIN_MS;
  // No pass can have begun late enough for a user created this recently: a sign-up reads nothing more.
  if (!listedSince(Date.now())) return "apply";
  const fullPass = (status: "done" | "running") =>
    ctx.db
      .query("backfillRuns")
      .withIndex("by_mode_and_status", (q) => q.eq("mode", "full").eq("status", status))
      .order("desc")
      .first();
  const done = await fullPass("done");
  if (done && listedSince(done.startedAt)) return "stale";
  const running = await fullPass("running");
  if (!running || !listedSince(running.startedAt)) return "apply";
  const stage = currentStage(running);
  return stage.kind === "users" && stage.step === "list" ? "deferred" : "stale";
}
