// The backfill's functions: a run's lifecycle (start, status, watermark, cancel), what the
// host's step asks and reports (plan, applyPage, applyReconcile, retryLater), and the
// scheduler's (watchdog, forgetSeen). What each kind of object needs is in backfill/.
import { v, type Infer } from "convex/values";
import { internal } from "./_generated/api.js";
import { internalMutation, mutation, query, type MutationCtx } from "./_generated/server.js";
import {
  vBackfillKind,
  vBackfillMode,
  vBackfillRunStatus,
  vBackfillStepPlan,
  vBackfillWatermark,
  type BackfillStepPlan,
} from "./backfillValidators.js";
import { vHookHandles } from "./changes.js";
import { recordListing } from "./backfill/coverage.js";
import { applyListPage, planList } from "./backfill/list.js";
import { START } from "./backfill/paging.js";
import { applyGone, planReconcile } from "./backfill/reconcile.js";
import {
  currentRun,
  endRun,
  FORGET_BATCH,
  firstListings,
  latestWatermark,
  lostStep,
  noCounts,
  rearmWatchdog,
  runningRun,
  scheduleStep,
  stagePlan,
} from "./backfill/run.js";
import { currentStage, latestRunStatus, toStatus } from "./backfill/status.js";
import { vBackfillPage } from "./backfill/sources.js";

export { OFFSET_OVERLAP } from "./backfill/paging.js";

const vBackfillStart = v.object({ started: v.boolean(), run: vBackfillRunStatus });

const vStartArgs = v.object({
  /** Function handle of the host's step action. */
  step: v.string(),
  /** The host's hooks, run for every change the run makes. */
  hooks: vHookHandles,
  pageSize: v.number(),
  /** Full passes: delete what Clerk no longer has. */
  reconcile: v.boolean(),
  /** Full passes: also sync (and reconcile) organizations, memberships, roles and permissions. */
  organizations: v.boolean(),
  /** Full passes: also sync Clerk Billing subscription items, with their plans' features. */
  billing: v.optional(v.boolean()),
  requestsPer10Seconds: v.number(),
  /** Default "full". */
  mode: v.optional(vBackfillMode),
});
export type StartArgs = Infer<typeof vStartArgs>;

/**
 * Start a run, or answer with the one already running. A full pass takes over from a
 * running incremental one (it covers all of it); an incremental pass with no completed
 * pass before it to start from runs as a full pass.
 */
export const start = mutation({
  args: vStartArgs.fields,
  returns: vBackfillStart,
  handler: (ctx, args) => startPass(ctx, args),
});

/** `start`'s rule, for the heal after an outage too. */
export async function startPass(ctx: MutationCtx, args: StartArgs): Promise<Infer<typeof vBackfillStart>> {
  if (!(args.pageSize >= 1 && args.pageSize <= 500)) throw new Error("pageSize must be between 1 and 500");
  if (!(args.requestsPer10Seconds > 0)) throw new Error("requestsPer10Seconds must be positive");
  const running = await runningRun(ctx);
  if (running) {
    if ((args.mode ?? "full") !== "full" || running.mode !== "incremental") {
      return { started: false, run: toStatus(running) };
    }
    await endRun(ctx, running, "canceled", "superseded by a full pass");
  }
  const watermark = args.mode === "incremental" ? await latestWatermark(ctx) : null;
  const mode = watermark === null ? "full" : "incremental";
  const options = {
    organizations: mode === "full" && args.organizations,
    billing: mode === "full" && (args.billing ?? false),
    reconcile: mode === "full" && args.reconcile,
  };
  const stages = stagePlan(mode, options);
  const runId = await ctx.db.insert("backfillRuns", {
    status: "running",
    mode,
    stages,
    stageIndex: 0,
    ...options,
    planFeatures: [],
    startedAt: Date.now(),
    finishedAt: null,
    baseline: await firstListings(ctx, stages),
    pageSize: Math.floor(args.pageSize),
    msPerRequest: Math.ceil(10_000 / args.requestsPer10Seconds),
    ...START,
    updatedSince: watermark?.updatedSince ?? null,
    reconcileCursor: null,
    counts: noCounts(),
    clerkTotal: null,
    shortfalls: [],
    lastError: null,
    step: args.step,
    hooks: args.hooks,
    token: 0,
    scheduledStep: null,
    watchdog: null,
  });
  const run = (await ctx.db.get("backfillRuns", runId))!;
  await recordListing(ctx, run);
  await scheduleStep(ctx, run, 0);
  return { started: true, run: toStatus((await ctx.db.get("backfillRuns", runId))!) };
}

/** A run by id, or the latest run; null when there is none. */
export const status = query({
  args: { runId: v.optional(v.string()) },
  returns: v.union(vBackfillRunStatus, v.null()),
  handler: async (ctx, { runId }) => {
    if (runId === undefined) return latestRunStatus(ctx);
    const id = ctx.db.normalizeId("backfillRuns", runId);
    const run = id && (await ctx.db.get("backfillRuns", id));
    return run ? toStatus(run) : null;
  },
});

/** Where the next incremental pass starts; null before the first completed pass. */
export const watermark = query({
  args: {},
  returns: v.union(vBackfillWatermark, v.null()),
  handler: (ctx) => latestWatermark(ctx),
});

/** Stop the running run; a step in flight finds it canceled and writes nothing. */
export const cancel = mutation({
  args: {},
  returns: v.union(vBackfillRunStatus, v.null()),
  handler: async (ctx) => {
    const run = await runningRun(ctx);
    if (!run) return null;
    await endRun(ctx, run, "canceled");
    return toStatus((await ctx.db.get("backfillRuns", run._id))!);
  },
});

/** What the step holding `token` should do; null if the run stopped or the step was superseded. */
export const plan = query({
  args: { runId: v.string(), token: v.number() },
  returns: v.union(vBackfillStepPlan, v.null()),
  handler: async (ctx, { runId, token }): Promise<BackfillStepPlan | null> => {
    const run = await currentRun(ctx, runId, token);
    if (!run) return null;
    const { kind, step } = currentStage(run);
    return step === "list" ? planList(run, kind) : planReconcile(ctx, run, kind);
  },
});

/** Store one page of a Clerk list, under the same rules as webhooks, and go on. */
export const applyPage = mutation({
  args: {
    runId: v.string(),
    token: v.number(),
    page: vBackfillPage,
    requests: v.number(),
    /** Clerk's count of the list, when the step has it: the user count, or the list's `total_count`. */
    total: v.optional(v.number()),
    /** The heartbeat's users on the page: they count as seen (Clerk lists them) and are never stored. */
    skip: v.optional(v.array(v.string())),
  },
  returns: v.boolean(),
  handler: async (ctx, { runId, token, page, requests, total, skip }) => {
    const run = await currentRun(ctx, runId, token);
    const stage = run && currentStage(run);
    if (!run || stage?.step !== "list" || stage.kind !== page.kind) return false;
    await applyListPage(ctx, run, page, requests, total, skip);
    return true;
  },
});

/** Delete (tombstone, with hooks) the objects Clerk confirmed gone, and go on. */
export const applyReconcile = mutation({
  args: {
    runId: v.string(),
    token: v.number(),
    kind: vBackfillKind,
    /** Candidates Clerk confirmed gone (404). */
    gone: v.array(v.string()),
    /** The plan's `nextCursor`: where the next step starts, null when this stage is done. */
    nextCursor: v.union(v.string(), v.null()),
    requests: v.number(),
  },
  returns: v.boolean(),
  handler: async (ctx, { runId, token, kind, gone, nextCursor, requests }) => {
    const run = await currentRun(ctx, runId, token);
    const stage = run && currentStage(run);
    if (!run || stage?.step !== "reconcile" || stage.kind !== kind) return false;
    await applyGone(ctx, run, kind, { ids: gone, nextCursor, requests });
    return true;
  },
});

/** Record a failed step (Clerk unreachable, 429, no secret key) and try again later. */
export const retryLater = mutation({
  args: {
    runId: v.string(),
    token: v.number(),
    delayMs: v.number(),
    error: v.string(),
    requests: v.number(),
    /**
     * Storing the page failed (a hook threw, a Convex limit was hit): the next pages are half
     * the size, down to one object, so a page whose hooks outgrow one mutation still gets stored.
     */
    storeFailed: v.optional(v.boolean()),
  },
  returns: v.boolean(),
  handler: async (ctx, { runId, token, delayMs, error, requests, storeFailed }) => {
    const run = await currentRun(ctx, runId, token);
    if (!run) return false;
    await ctx.db.patch("backfillRuns", run._id, {
      lastError: error,
      counts: { ...run.counts, requests: run.counts.requests + requests },
      ...(storeFailed ? { pageSize: Math.max(1, Math.floor(run.pageSize / 2)) } : {}),
    });
    await scheduleStep(ctx, (await ctx.db.get("backfillRuns", run._id))!, Math.max(0, delayMs));
    return true;
  },
});

/** Look after the current step: restart it at once if it failed, vanished or ended without reporting. */
export const watchdog = internalMutation({
  args: { runId: v.id("backfillRuns"), token: v.number() },
  returns: v.null(),
  handler: async (ctx, { runId, token }) => {
    const run = await ctx.db.get("backfillRuns", runId);
    if (!run || run.status !== "running" || run.token !== token) return null;
    const lost = await lostStep(ctx, run);
    if (lost === null) {
      await rearmWatchdog(ctx, run);
      return null;
    }
    await ctx.db.patch("backfillRuns", run._id, { lastError: `${lost}; restarted it`, watchdog: null });
    await scheduleStep(ctx, (await ctx.db.get("backfillRuns", run._id))!, 0);
    return null;
  },
});

/** Delete an ended run's record of the objects it saw, in batches. */
export const forgetSeen = internalMutation({
  args: { runId: v.id("backfillRuns") },
  returns: v.null(),
  handler: async (ctx, { runId }) => {
    const rows = await ctx.db
      .query("backfillSeen")
      .withIndex("by_run_clerk_id", (q) => q.eq("runId", runId))
      .take(FORGET_BATCH);
    for (const row of rows) await ctx.db.delete("backfillSeen", row._id);
    if (rows.length === FORGET_BATCH) await ctx.scheduler.runAfter(0, internal.backfill.forgetSeen, { runId });
    return null;
  },
});
