import type { FunctionHandle } from "convex/server";
import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import type { Doc, Id } from "./_generated/dataModel.js";
import { internalMutation, mutation, query, type MutationCtx, type QueryCtx } from "./_generated/server.js";
import {
  vBackfillPage,
  vBackfillRunStatus,
  vBackfillStepPlan,
  type BackfillCounts,
  type BackfillRunStatus,
} from "./backfillValidators.js";
import { vHookHandles, type ChangeContext } from "./changes.js";
import { applyMembershipSnapshots } from "./memberships.js";
import { organizationKind } from "./organizations.js";
import { applyDeletion, applySnapshot } from "./snapshots.js";
import { userKind } from "./users.js";

/** A step that has not reported by then (an action runs 10 minutes at most) is restarted. */
const WATCHDOG_MS = 15 * 60 * 1000;
/** Users of the table checked per reconciliation step. */
const RECONCILE_BATCH = 100;
/** Rows of `backfillSeen` deleted per step once a run ends. */
const FORGET_BATCH = 1000;

type Run = Doc<"backfillRuns">;
const NO_COUNTS: BackfillCounts = {
  pages: 0,
  requests: 0,
  seen: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  stale: 0,
  deleted: 0,
  organizationsSeen: 0,
  membershipsSeen: 0,
};
type StepArgs = { runId: Id<"backfillRuns">; token: number };

/** Start a run, or answer with the one already running. */
export const start = mutation({
  args: {
    /** Function handle of the host's step action. */
    step: v.string(),
    /** The host's hooks, run for every change the run makes. */
    hooks: vHookHandles,
    pageSize: v.number(),
    reconcile: v.boolean(),
    /** Also sync organizations and memberships. */
    organizations: v.boolean(),
    requestsPer10Seconds: v.number(),
  },
  returns: v.object({ started: v.boolean(), run: vBackfillRunStatus }),
  handler: async (ctx, args) => {
    const running = await ctx.db
      .query("backfillRuns")
      .withIndex("by_status", (q) => q.eq("status", "running"))
      .first();
    if (running) return { started: false, run: toStatus(running) };
    if (!(args.pageSize >= 1 && args.pageSize <= 500)) throw new Error("pageSize must be between 1 and 500");
    if (!(args.requestsPer10Seconds > 0)) throw new Error("requestsPer10Seconds must be positive");
    const runId = await ctx.db.insert("backfillRuns", {
      status: "running",
      phase: "users",
      organizations: args.organizations,
      startedAt: Date.now(),
      finishedAt: null,
      pageSize: Math.floor(args.pageSize),
      reconcile: args.reconcile,
      msPerRequest: Math.ceil(10_000 / args.requestsPer10Seconds),
      offset: 0,
      reconcileAfter: null,
      counts: NO_COUNTS,
      clerkTotal: null,
      lastError: null,
      step: args.step,
      hooks: args.hooks,
      token: 0,
      scheduledStep: null,
      watchdog: null,
    });
    await scheduleStep(ctx, (await ctx.db.get(runId))!, 0);
    return { started: true, run: toStatus((await ctx.db.get(runId))!) };
  },
});

/** A run by id, or the latest run; null when there is none. */
export const status = query({
  args: { runId: v.optional(v.string()) },
  returns: v.union(vBackfillRunStatus, v.null()),
  handler: async (ctx, { runId }) => {
    const id = runId === undefined ? null : ctx.db.normalizeId("backfillRuns", runId);
    if (runId !== undefined && !id) return null;
    const run = id ? await ctx.db.get(id) : await ctx.db.query("backfillRuns").order("desc").first();
    return run && toStatus(run);
  },
});

/** Stop the running run; a step in flight finds it canceled and writes nothing. */
export const cancel = mutation({
  args: {},
  returns: v.union(vBackfillRunStatus, v.null()),
  handler: async (ctx) => {
    const run = await ctx.db
      .query("backfillRuns")
      .withIndex("by_status", (q) => q.eq("status", "running"))
      .first();
    if (!run) return null;
    await endRun(ctx, run, "canceled");
    return toStatus((await ctx.db.get(run._id))!);
  },
});

/** What the step holding `token` should do; null if the run stopped or the step was superseded. */
export const plan = query({
  args: { runId: v.string(), token: v.number() },
  returns: v.union(vBackfillStepPlan, v.null()),
  handler: async (ctx, { runId, token }) => {
    const run = await currentRun(ctx, runId, token);
    if (!run) return null;
    if (run.phase !== "reconcile") return { phase: run.phase, offset: run.offset, pageSize: run.pageSize };
    // Users stored before the run began that the run did not see in Clerk: Clerk may
    // no longer have them. The host's step confirms each with Clerk before deleting.
    const after = run.reconcileAfter;
    const users = await ctx.db
      .query("users")
      .withIndex("by_clerk_id", (q) => (after === null ? q : q.gt("clerkId", after)))
      .take(RECONCILE_BATCH);
    const candidates: string[] = [];
    for (const user of users) {
      if (user._creationTime > run.startedAt) continue;
      const seen = await ctx.db
        .query("backfillSeen")
        .withIndex("by_run_clerk_id", (q) => q.eq("runId", run._id).eq("clerkId", user.clerkId))
        .first();
      if (!seen) candidates.push(user.clerkId);
    }
    const nextAfter = users.length === RECONCILE_BATCH ? users[users.length - 1].clerkId : null;
    return { phase: "reconcile" as const, candidates, nextAfter };
  },
});

/** Store one page of a Clerk list, under the same rules as webhooks, and go on. */
export const applyPage = mutation({
  args: {
    runId: v.string(),
    token: v.number(),
    page: vBackfillPage,
    /** Whether this was the last page of Clerk's list. */
    lastPage: v.boolean(),
    requests: v.number(),
    /** Clerk's user count, with a page of users. */
    clerkTotal: v.optional(v.number()),
  },
  returns: v.boolean(),
  handler: async (ctx, { runId, token, page, lastPage, requests, clerkTotal }) => {
    const run = await currentRun(ctx, runId, token);
    if (!run || run.phase !== page.kind) return false;
    const context = runContext(run);
    const counts = { ...run.counts, pages: run.counts.pages + 1, requests: run.counts.requests + requests };
    if (page.kind === "users") {
      for (const user of page.users) {
        const outcome = await applySnapshot(ctx, userKind, user, context);
        if (outcome === "inserted" || outcome === "updated" || outcome === "unchanged" || outcome === "stale") {
          counts[outcome]++;
        }
        if (run.reconcile) await ctx.db.insert("backfillSeen", { runId: run._id, clerkId: user.clerkId });
      }
      counts.seen += page.users.length;
    } else if (page.kind === "organizations") {
      for (const organization of page.organizations) await applySnapshot(ctx, organizationKind, organization, context);
      counts.organizationsSeen += page.organizations.length;
    } else {
      await applyMembershipSnapshots(ctx, page.memberships, context);
      counts.membershipsSeen += page.memberships.length;
    }
    const size = page.kind === "users" ? page.users.length : page.kind === "organizations" ? page.organizations.length : page.memberships.length;
    const next = lastPage ? nextPhase(run) : run.phase;
    await ctx.db.patch(run._id, {
      counts,
      clerkTotal: clerkTotal ?? run.clerkTotal,
      offset: next === run.phase ? run.offset + size : 0,
      lastError: null,
      ...(next !== "done" ? { phase: next } : {}),
    });
    await continueOrFinish(ctx, run._id, next === "done", requests);
    return true;
  },
});

/** Users, then organizations and memberships if asked, then reconciliation if asked. */
function nextPhase(run: Run): Run["phase"] | "done" {
  const order: Run["phase"][] = [
    "users",
    ...(run.organizations ? (["organizations", "memberships"] as const) : []),
    ...(run.reconcile ? (["reconcile"] as const) : []),
  ];
  return order[order.indexOf(run.phase) + 1] ?? "done";
}

/** Delete (tombstone) the users Clerk confirmed gone, and go on. */
export const applyReconcile = mutation({
  args: {
    runId: v.string(),
    token: v.number(),
    /** Candidates Clerk answered 404 for. */
    gone: v.array(v.string()),
    /** The plan's `nextAfter`: where the next step starts, null when reconciliation is done. */
    nextAfter: v.union(v.string(), v.null()),
    requests: v.number(),
  },
  returns: v.boolean(),
  handler: async (ctx, { runId, token, gone, nextAfter, requests }) => {
    const run = await currentRun(ctx, runId, token);
    if (!run || run.phase !== "reconcile") return false;
    let deleted = 0;
    for (const clerkId of gone) {
      if ((await applyDeletion(ctx, userKind, clerkId, runContext(run))) === "deleted") deleted++;
    }
    const { counts } = run;
    await ctx.db.patch(run._id, {
      reconcileAfter: nextAfter,
      counts: { ...counts, requests: counts.requests + requests, deleted: counts.deleted + deleted },
      lastError: null,
    });
    await continueOrFinish(ctx, run._id, nextAfter === null, requests);
    return true;
  },
});

/** Record a failed step (Clerk unreachable, 429, no secret key) and try again later. */
export const retryLater = mutation({
  args: { runId: v.string(), token: v.number(), delayMs: v.number(), error: v.string(), requests: v.number() },
  returns: v.boolean(),
  handler: async (ctx, { runId, token, delayMs, error, requests }) => {
    const run = await currentRun(ctx, runId, token);
    if (!run) return false;
    await ctx.db.patch(run._id, { lastError: error, counts: { ...run.counts, requests: run.counts.requests + requests } });
    await scheduleStep(ctx, (await ctx.db.get(run._id))!, Math.max(0, delayMs));
    return true;
  },
});

/** Restart a run whose step never reported (crashed, or lost). */
export const watchdog = internalMutation({
  args: { runId: v.id("backfillRuns"), token: v.number() },
  returns: v.null(),
  handler: async (ctx, { runId, token }) => {
    const run = await ctx.db.get(runId);
    if (!run || run.status !== "running" || run.token !== token) return null;
    await ctx.db.patch(run._id, { lastError: "a step did not report; restarted it", watchdog: null });
    await scheduleStep(ctx, (await ctx.db.get(run._id))!, 0);
    return null;
  },
});

function runContext(run: Run): ChangeContext {
  return { source: "backfill", hooks: run.hooks };
}

async function currentRun(ctx: QueryCtx, runId: string, token: number): Promise<Run | null> {
  const id = ctx.db.normalizeId("backfillRuns", runId);
  const run = id && (await ctx.db.get(id));
  return run && run.status === "running" && run.token === token ? run : null;
}

/** Schedule the next step, paced to the configured request rate, or finish the run. */
async function continueOrFinish(ctx: MutationCtx, runId: Id<"backfillRuns">, finished: boolean, requests: number) {
  const run = (await ctx.db.get(runId))!;
  if (finished) return endRun(ctx, run, "done");
  await scheduleStep(ctx, run, requests * run.msPerRequest);
}

async function endRun(ctx: MutationCtx, run: Run, status: "done" | "canceled") {
  await cancelScheduled(ctx, run);
  await ctx.db.patch(run._id, { status, finishedAt: Date.now(), scheduledStep: null, watchdog: null });
  if (run.reconcile) await ctx.scheduler.runAfter(0, internal.backfill.forgetSeen, { runId: run._id });
}

/** Delete an ended run's record of the users it saw, in batches. */
export const forgetSeen = internalMutation({
  args: { runId: v.id("backfillRuns") },
  returns: v.null(),
  handler: async (ctx, { runId }) => {
    const rows = await ctx.db
      .query("backfillSeen")
      .withIndex("by_run_clerk_id", (q) => q.eq("runId", runId))
      .take(FORGET_BATCH);
    for (const row of rows) await ctx.db.delete(row._id);
    if (rows.length === FORGET_BATCH) await ctx.scheduler.runAfter(0, internal.backfill.forgetSeen, { runId });
    return null;
  },
});

/**
 * The only place a step is scheduled: a new token makes any older step a no-op, and
 * a watchdog restarts the run if this step never reports.
 */
async function scheduleStep(ctx: MutationCtx, run: Run, delayMs: number) {
  await cancelScheduled(ctx, run);
  const token = run.token + 1;
  const args: StepArgs = { runId: run._id, token };
  const scheduledStep = await ctx.scheduler.runAfter(delayMs, run.step as FunctionHandle<"action", StepArgs>, args);
  const watchdog = await ctx.scheduler.runAfter(delayMs + WATCHDOG_MS, internal.backfill.watchdog, args);
  await ctx.db.patch(run._id, { token, scheduledStep, watchdog });
}

/** Cancel the run's watchdog and its step if they have not started (a running step may be the caller). */
async function cancelScheduled(ctx: MutationCtx, run: Run) {
  for (const id of [run.watchdog, run.scheduledStep]) {
    if (!id) continue;
    const job = await ctx.db.system.get(id);
    if (job?.state.kind === "pending") await ctx.scheduler.cancel(id);
  }
}

function toStatus(run: Run): BackfillRunStatus {
  return {
    runId: run._id,
    status: run.status,
    phase: run.phase,
    organizations: run.organizations,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    counts: run.counts,
    clerkTotal: run.clerkTotal,
    estimatedRemaining: run.clerkTotal === null ? null : Math.max(0, run.clerkTotal - run.counts.seen),
    lastError: run.lastError,
  };
}
