// How many ended runs are kept: each records what its pass repaired (`counts.byKind`), which
// the health check reads; without a bound, an hourly pass would add a row an hour forever.
import type { MutationCtx } from "../_generated/server.js";
import { BACKFILL_MODES } from "../backfillValidators.js";
import { latestWatermark } from "./run.js";

/** Ended runs kept per mode, newest first: with an hourly and a nightly pass, half a day and ten nights. */
export const RUNS_KEPT_PER_MODE = 10;

/**
 * Delete ended runs beyond the newest `RUNS_KEPT_PER_MODE` of each mode, at most `batch` per
 * mode; the run the watermark comes from is always kept. Answers how many were deleted.
 */
export async function pruneRuns(ctx: MutationCtx, batch: number): Promise<number> {
  const watermark = await latestWatermark(ctx);
  let deleted = 0;
  for (const mode of BACKFILL_MODES) {
    const runs = await ctx.db
      .query("backfillRuns")
      .withIndex("by_mode", (q) => q.eq("mode", mode))
      .order("desc")
      .take(RUNS_KEPT_PER_MODE + batch);
    for (const run of runs.slice(RUNS_KEPT_PER_MODE)) {
      if (run.status === "running" || run._id === watermark?.runId) continue;
      await ctx.db.delete("backfillRuns", run._id);
      deleted++;
    }
  }
  return deleted;
}
