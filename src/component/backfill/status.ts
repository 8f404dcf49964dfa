// What a host sees of a run. Kept apart from the run's machinery, so the sync status can
// read it without loading the object kinds.
import type { QueryCtx } from "../_generated/server.js";
import { phaseOf, type BackfillRunStatus, type BackfillStage } from "../backfillValidators.js";
import type { Run } from "./source.js";

/** The stage under way (the last one, once the run ended). */
export function currentStage(run: Run): BackfillStage {
  const stage = run.stages[run.stageIndex];
  if (!stage) throw new Error(`backfill run ${run._id} has no stage ${run.stageIndex}`);
  return stage;
}

export function toStatus(run: Run): BackfillRunStatus {
  return {
    runId: run._id,
    status: run.status,
    mode: run.mode,
    phase: phaseOf(currentStage(run)),
    stages: run.stages.map(phaseOf),
    organizations: run.organizations,
    billing: run.billing,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    counts: run.counts,
    clerkTotal: run.clerkTotal,
    estimatedRemaining: run.clerkTotal === null ? null : Math.max(0, run.clerkTotal - run.counts.byKind.users.seen),
    updatedSince: run.updatedSince,
    shortfalls: run.shortfalls,
    pageSize: run.pageSize,
    lastError: run.lastError,
  };
}

/** The latest run, as the host sees it; null before the first. */
export async function latestRunStatus(ctx: QueryCtx): Promise<BackfillRunStatus | null> {
  const run = await ctx.db.query("backfillRuns").order("desc").first();
  return run && toStatus(run);
}
