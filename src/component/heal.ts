// After an outage a returning heartbeat ended: start a pass over what the outage missed at once,
// with the settings of the host's latest pass (its step action, hooks, pace), rather than
// waiting for the next scheduled one.
import type { MutationCtx } from "./_generated/server.js";
import { startPass } from "./backfill.js";
import { SVIX_RETRY_SPAN_MS } from "./heartbeatRecords.js";

/**
 * Start the heal pass for an outage from `from` to `to`: incremental (the users Clerk changed since
 * the last completed pass), or full when the outage outlasted Svix's retries (deletions and other
 * kinds' changes from its start were dropped for good, and only a full pass finds them). Answers
 * the run started, or why none was.
 */
export async function startHealPass(
  ctx: MutationCtx,
  { from, to }: { from: number; to: number },
): Promise<{ runId: string | null; heal: string }> {
  const latestFull = await ctx.db
    .query("backfillRuns")
    .withIndex("by_mode", (q) => q.eq("mode", "full"))
    .order("desc")
    .first();
  const latest = latestFull ?? (await ctx.db.query("backfillRuns").order("desc").first());
  if (!latest) return { runId: null, heal: "no backfill pass has run here: nothing to start a heal pass from" };
  const mode = to - from > SVIX_RETRY_SPAN_MS ? "full" : "incremental";
  const { started, run } = await startPass(ctx, {
    step: latest.step,
    hooks: latest.hooks,
    pageSize: latest.pageSize,
    reconcile: latestFull?.reconcile ?? true,
    organizations: latestFull?.organizations ?? false,
    billing: latestFull?.billing ?? false,
    requestsPer10Seconds: 10_000 / latest.msPerRequest,
    mode,
  });
  if (!started) return { runId: run.runId, heal: `a ${run.mode} pass was already running: it repairs the outage` };
  return { runId: run.runId, heal: `started ${run.mode === "full" ? "a full" : "an incremental"} pass` };
}
