// The run lifecycle: its plan of stages, the one place a step is scheduled, the watchdog's
// decision, and how a stage ends and how the run ends.
import type { FunctionHandle } from "convex/server";
import { internal } from "../_generated/api.js";
import type { Id } from "../_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";
import {
  BACKFILL_KINDS,
  type BackfillCounts,
  type BackfillKind,
  type BackfillMode,
  type BackfillStage,
  type BackfillWatermark,
  type KindCounts,
} from "../backfillValidators.js";
import { thousands } from "../healthWords.js";
import { recordListing } from "./coverage.js";
import { START } from "./paging.js";
import type { Run } from "./source.js";
import { sourceOf } from "./sources.js";

/** How often the watchdog looks at the scheduled step. */
export const WATCHDOG_INTERVAL_MS = 60 * 1000;
/** A step still running after this is taken as lost (an action runs 10 minutes at most). */
const STEP_TIMEOUT_MS = 15 * 60 * 1000;
/** Rows of `backfillSeen` deleted per step once a run ends. */
export const FORGET_BATCH = 1000;
/**
 * How far before a completed pass's start the next incremental pass looks: covers the
 * difference between Convex's clock and Clerk's, and updates Clerk commits late.
 */
export const WATERMARK_MARGIN_MS = 5 * 60 * 1000;

type StepArgs = { runId: Id<"backfillRuns">; token: number };

const zero = (): KindCounts => ({
  seen: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  stale: 0,
  deleted: 0,
  repaired: 0,
  lastMissed: null,
});
export function noCounts(): BackfillCounts {
  const byKind = Object.fromEntries(BACKFILL_KINDS.map((kind) => [kind, zero()]));
  return { pages: 0, requests: 0, rewinds: 0, byKind: byKind as BackfillCounts["byKind"] };
}

/** A copy of a run's counts to add to. */
export function copyCounts(counts: BackfillCounts): BackfillCounts {
  const byKind = Object.fromEntries(BACKFILL_KINDS.map((kind) => [kind, { ...counts.byKind[kind] }]));
  return { ...counts, byKind: byKind as BackfillCounts["byKind"] };
}

/**
 * A run's stages, fixed at start: each kind the pass lists, in BACKFILL_KINDS order, then (full
 * passes with `reconcile`) the reconciliation of each listed kind that has one, in the same order.
 */
export function stagePlan(
  mode: BackfillMode,
  options: { organizations: boolean; billing: boolean; reconcile: boolean },
) {
  const listed = BACKFILL_KINDS.filter((kind) => {
    const { incremental, option } = sourceOf(kind);
    return mode === "incremental" ? incremental === true : option === undefined || options[option];
  });
  const reconciled =
    mode === "full" && options.reconcile ? listed.filter((kind) => sourceOf(kind).reconcile !== undefined) : [];
  return [
    ...listed.map((kind): BackfillStage => ({ kind, step: "list" })),
    ...reconciled.map((kind): BackfillStage => ({ kind, step: "reconcile" })),
  ];
}

export function runningRun(ctx: QueryCtx): Promise<Run | null> {
  return ctx.db
    .query("backfillRuns")
    .withIndex("by_status", (q) => q.eq("status", "running"))
    .first();
}

/** The run, if it is running and `token` is the current step's. */
export async function currentRun(ctx: QueryCtx, runId: string, token: number): Promise<Run | null> {
  const id = ctx.db.normalizeId("backfillRuns", runId);
  const run = id && (await ctx.db.get("backfillRuns", id));
  return run && run.status === "running" && run.token === token ? run : null;
}

/**
 * A completed pass (full or incremental) saw every user as it was at some moment after its
 * start: what changed before then is stored, so the next pass starts there. An `incomplete`
 * pass does not count: the next one covers the same range again.
 */
export async function latestWatermark(ctx: QueryCtx): Promise<BackfillWatermark | null> {
  const done = await ctx.db
    .query("backfillRuns")
    .withIndex("by_status", (q) => q.eq("status", "done"))
    .order("desc")
    .first();
  return done && { updatedSince: done.startedAt - WATERMARK_MARGIN_MS, runId: done._id, mode: done.mode };
}

/** A pass that ran to its end: what it counted stands (a canceled or failed run's counts are partial). */
export const RAN_TO_END = ["done", "incomplete"] as const;

/**
 * The kinds of `stages` that no pass before ended `done` or `incomplete` listed: users unless a
 * pass ended, the others unless an ended pass had their option on. Ended runs are few (the
 * newest of each mode are kept), so reading them is bounded.
 */
export async function firstListings(ctx: QueryCtx, stages: BackfillStage[]): Promise<BackfillKind[]> {
  const listed = new Set<string>();
  for (const status of RAN_TO_END) {
    const ended = await ctx.db
      .query("backfillRuns")
      .withIndex("by_status", (q) => q.eq("status", status))
      .order("desc")
      .take(ENDED_RUNS_READ);
    for (const run of ended) {
      listed.add("users");
      if (run.organizations) listed.add("organizations");
      if (run.billing) listed.add("billing");
    }
  }
  return stages.flatMap(({ kind, step }) =>
    step === "list" && !listed.has(sourceOf(kind).option ?? "users") ? [kind] : [],
  );
}

/** More than the ended runs kept (history.ts), so that every one is read. */
const ENDED_RUNS_READ = 100;

/**
 * The only place a step is scheduled: a new token makes any older step a no-op, and a
 * watchdog looks after this step.
 */
export async function scheduleStep(ctx: MutationCtx, run: Run, delayMs: number) {
  await cancelScheduled(ctx, run);
  const token = run.token + 1;
  const args: StepArgs = { runId: run._id, token };
  const scheduledStep = await ctx.scheduler.runAfter(delayMs, run.step as FunctionHandle<"action", StepArgs>, args);
  const watchdog = await ctx.scheduler.runAfter(delayMs + WATCHDOG_INTERVAL_MS, internal.backfill.watchdog, args);
  await ctx.db.patch("backfillRuns", run._id, { token, scheduledStep, watchdog });
}

/** Cancel the run's watchdog and its step if they have not started (a running step may be the caller). */
async function cancelScheduled(ctx: MutationCtx, run: Run) {
  for (const id of [run.watchdog, run.scheduledStep]) {
    if (!id) continue;
    const job = await ctx.db.system.get("_scheduled_functions", id);
    if (job?.state.kind === "pending") await ctx.scheduler.cancel(id);
  }
}

/**
 * The watchdog's decision, from the scheduled step's own record: still waiting or running
 * (for less than an action can run) → look again later; failed, canceled, finished without
 * reporting, or running too long → restart it now, saying what happened.
 */
export async function lostStep(ctx: QueryCtx, run: Run): Promise<string | null> {
  const job = run.scheduledStep && (await ctx.db.system.get("_scheduled_functions", run.scheduledStep));
  if (!job) return "a step vanished without reporting";
  const { kind } = job.state;
  if (kind === "pending") return null;
  if (kind === "inProgress") {
    return Date.now() - job.scheduledTime < STEP_TIMEOUT_MS ? null : "a step ran too long without reporting";
  }
  return kind === "failed" ? `a step failed: ${job.state.error}` : `a step ended (${kind}) without reporting`;
}

/** Look after the current step again in a minute. */
export async function rearmWatchdog(ctx: MutationCtx, run: Run) {
  const args: StepArgs = { runId: run._id, token: run.token };
  const watchdog = await ctx.scheduler.runAfter(WATCHDOG_INTERVAL_MS, internal.backfill.watchdog, args);
  await ctx.db.patch("backfillRuns", run._id, { watchdog });
}

/**
 * Save the run's progress. When the stage is over, go to the next one, or end the run: `done`,
 * or `incomplete` when a list ended short of Clerk's count. Otherwise schedule the next step,
 * paced to the configured request rate.
 */
export async function advance(ctx: MutationCtx, run: Run, patch: Partial<Run>, stageEnded: boolean, requests: number) {
  const last = run.stageIndex + 1 >= run.stages.length;
  const next = stageEnded && !last ? { stageIndex: run.stageIndex + 1, ...START, reconcileCursor: null } : {};
  await ctx.db.patch("backfillRuns", run._id, { ...patch, ...next });
  const updated = (await ctx.db.get("backfillRuns", run._id))!;
  if (stageEnded && !last) await recordListing(ctx, updated);
  if (stageEnded && last) return endRun(ctx, updated, updated.shortfalls.length > 0 ? "incomplete" : "done");
  await scheduleStep(ctx, updated, requests * run.msPerRequest);
}

/** "Clerk's list ended short of its count even when read again (users: saw 1,198 of 1,200)". */
export function shortfallReason(shortfalls: Run["shortfalls"]) {
  const each = shortfalls.map(
    ({ kind, seen, clerkTotal }) => `${kind}: saw ${thousands(seen)} of ${thousands(clerkTotal)}`,
  );
  return `Clerk's list ended short of its count even when read again (${each.join("; ")})`;
}

export async function endRun(ctx: MutationCtx, run: Run, status: "done" | "incomplete" | "canceled", reason?: string) {
  await cancelScheduled(ctx, run);
  const why = reason ?? (status === "incomplete" ? shortfallReason(run.shortfalls) : undefined);
  await ctx.db.patch("backfillRuns", run._id, {
    status,
    finishedAt: Date.now(),
    scheduledStep: null,
    watchdog: null,
    ...(why ? { lastError: why } : {}),
  });
  await recordListing(ctx, { ...run, status });
  if (run.reconcile) await ctx.scheduler.runAfter(0, internal.backfill.forgetSeen, { runId: run._id });
}
