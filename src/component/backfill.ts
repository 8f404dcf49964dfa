import type { FunctionHandle } from "convex/server";
import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import type { Doc, Id } from "./_generated/dataModel.js";
import { internalMutation, mutation, query, type MutationCtx, type QueryCtx } from "./_generated/server.js";
import {
  vBackfillMode,
  vBackfillPage,
  vBackfillRunStatus,
  vBackfillStepPlan,
  vBackfillWatermark,
  type BackfillCounts,
  type BackfillPage,
  type BackfillPhase,
  type BackfillRunStatus,
  type BackfillStepPlan,
  type BackfillWatermark,
} from "./backfillValidators.js";
import { subscriptionItemKind } from "./billing.js";
import { vHookHandles, type ChangeContext } from "./changes.js";
import { applyMembershipSnapshots, membershipKind } from "./memberships.js";
import { organizationKind } from "./organizations.js";
import type { UserRecord } from "./records.js";
import { applyRoleSnapshot, permissionKind, roleKind } from "./roles.js";
import { applyDeletion, applySnapshot } from "./snapshots.js";
import { isTombstoned } from "./tombstones.js";
import { userKind } from "./users.js";

/** A step that has not reported by then (an action runs 10 minutes at most) is restarted. */
const WATCHDOG_MS = 15 * 60 * 1000;
/** Rows of a table examined per reconciliation step (one look-up each). */
const RECONCILE_SCAN = 1000;
/** Candidates per reconciliation step at most: each costs a Clerk request. */
const RECONCILE_CANDIDATES = 100;
/** Rows of `backfillSeen` deleted per step once a run ends. */
const FORGET_BATCH = 1000;
/**
 * Roles per page at most: each carries its permissions, each stored as its own snapshot
 * (two index reads), so a page of 50 roles with 20 distinct permissions each stays within
 * a mutation's 4,096 index reads.
 */
const ROLE_PAGE = 50;
/**
 * Objects of an offset-paged list that each request reads again from the previous page:
 * if none of them comes back, objects before the position were deleted and the list shifted.
 */
export const OFFSET_OVERLAP = 5;
/**
 * How far before a completed pass's start the next incremental pass looks: covers the
 * difference between Convex's clock and Clerk's, and updates Clerk commits late.
 */
export const WATERMARK_MARGIN_MS = 5 * 60 * 1000;

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
  organizationsDeleted: 0,
  membershipsDeleted: 0,
  rolesSeen: 0,
  permissionsSeen: 0,
  rolesDeleted: 0,
  permissionsDeleted: 0,
  plansSeen: 0,
  subscriptionItemsSeen: 0,
  rewinds: 0,
};
type StepArgs = { runId: Id<"backfillRuns">; token: number };

/**
 * Start a run, or answer with the one already running. A full pass takes over from a
 * running incremental one (it covers all of it); an incremental pass with no completed
 * pass before it to start from runs as a full pass.
 */
export const start = mutation({
  args: {
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
  },
  returns: v.object({ started: v.boolean(), run: vBackfillRunStatus }),
  handler: async (ctx, args) => {
    if (!(args.pageSize >= 1 && args.pageSize <= 500)) throw new Error("pageSize must be between 1 and 500");
    if (!(args.requestsPer10Seconds > 0)) throw new Error("requestsPer10Seconds must be positive");
    const mode = args.mode ?? "full";
    const running = await runningRun(ctx);
    if (running) {
      if (mode !== "full" || running.mode !== "incremental") return { started: false, run: toStatus(running) };
      await endRun(ctx, running, "canceled", "superseded by a full pass");
    }
    const watermark = mode === "incremental" ? await latestWatermark(ctx) : null;
    const full = watermark === null;
    const runId = await ctx.db.insert("backfillRuns", {
      status: "running",
      mode: full ? "full" : "incremental",
      phase: "users",
      organizations: full && args.organizations,
      billing: full && (args.billing ?? false),
      planFeatures: [],
      startedAt: Date.now(),
      finishedAt: null,
      pageSize: Math.floor(args.pageSize),
      reconcile: full && args.reconcile,
      msPerRequest: Math.ceil(10_000 / args.requestsPer10Seconds),
      userCursor: null,
      offset: 0,
      anchors: [],
      lastKey: null,
      updatedSince: watermark?.updatedSince ?? null,
      reconcileCursor: null,
      counts: NO_COUNTS,
      clerkTotal: null,
      lastError: null,
      step: args.step,
      hooks: args.hooks,
      token: 0,
      scheduledStep: null,
      watchdog: null,
    });
    await scheduleStep(ctx, (await ctx.db.get("backfillRuns", runId))!, 0);
    return { started: true, run: toStatus((await ctx.db.get("backfillRuns", runId))!) };
  },
});

/** A run by id, or the latest run; null when there is none. */
export const status = query({
  args: { runId: v.optional(v.string()) },
  returns: v.union(vBackfillRunStatus, v.null()),
  handler: async (ctx, { runId }) => {
    const id = runId === undefined ? null : ctx.db.normalizeId("backfillRuns", runId);
    if (runId !== undefined && !id) return null;
    const run = id ? await ctx.db.get("backfillRuns", id) : await ctx.db.query("backfillRuns").order("desc").first();
    return run && toStatus(run);
  },
});

/** Where the next incremental pass starts; null before the first completed pass. */
export const watermark = query({
  args: {},
  returns: v.union(vBackfillWatermark, v.null()),
  handler: (ctx) => latestWatermark(ctx),
});

/**
 * A completed pass (full or incremental) saw every user as it was at some moment after
 * its start: what changed before then is stored, so the next pass starts there.
 */
async function latestWatermark(ctx: QueryCtx): Promise<BackfillWatermark | null> {
  const done = await ctx.db
    .query("backfillRuns")
    .withIndex("by_status", (q) => q.eq("status", "done"))
    .order("desc")
    .first();
  return done && { updatedSince: done.startedAt - WATERMARK_MARGIN_MS, runId: done._id, mode: done.mode };
}

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
    const { pageSize, offset } = run;
    switch (run.phase) {
      case "users":
        return run.mode === "full"
          ? { phase: "users", order: "created", pageSize, after: run.userCursor, count: run.clerkTotal === null }
          : { phase: "users", order: "updated", pageSize, offset };
      case "organizations":
      case "memberships":
      case "permissions":
      case "billingPlans":
      case "subscriptionItems":
        return { phase: run.phase, pageSize, offset };
      case "roles":
        return { phase: run.phase, pageSize: Math.min(pageSize, ROLE_PAGE), offset };
      case "reconcileUsers": {
        const cursor = run.reconcileCursor;
        const rows = await ctx.db
          .query("users")
          .withIndex("by_clerk_id", (q) => (cursor === null ? q : q.gt("clerkId", cursor)))
          .take(RECONCILE_SCAN);
        const { candidates, nextCursor } = await unseen(ctx, run, rows, (row) => row.clerkId);
        return { phase: run.phase, candidates: candidates.map((row) => row.clerkId), nextCursor };
      }
      case "reconcileOrganizations": {
        const cursor = run.reconcileCursor;
        const rows = await ctx.db
          .query("organizations")
          .withIndex("by_org_id", (q) => (cursor === null ? q : q.gt("orgId", cursor)))
          .take(RECONCILE_SCAN);
        const { candidates, nextCursor } = await unseen(ctx, run, rows, (row) => row.orgId);
        return { phase: run.phase, candidates: candidates.map((row) => row.orgId), nextCursor };
      }
      case "reconcileRoles": {
        const cursor = run.reconcileCursor;
        const rows = await ctx.db
          .query("roles")
          .withIndex("by_role_id", (q) => (cursor === null ? q : q.gt("roleId", cursor)))
          .take(RECONCILE_SCAN);
        const { candidates, nextCursor } = await unseen(ctx, run, rows, (row) => row.roleId);
        return { phase: run.phase, candidates: candidates.map((row) => row.roleId), nextCursor };
      }
      case "reconcilePermissions": {
        const cursor = run.reconcileCursor;
        const rows = await ctx.db
          .query("permissions")
          .withIndex("by_permission_id", (q) => (cursor === null ? q : q.gt("permissionId", cursor)))
          .take(RECONCILE_SCAN);
        const { candidates, nextCursor } = await unseen(ctx, run, rows, (row) => row.permissionId);
        return { phase: run.phase, candidates: candidates.map((row) => row.permissionId), nextCursor };
      }
      case "reconcileMemberships": {
        const cursor = run.reconcileCursor;
        const rows = await ctx.db
          .query("memberships")
          .withIndex("by_membership_id", (q) => (cursor === null ? q : q.gt("membershipId", cursor)))
          .take(RECONCILE_SCAN);
        // A deleted organization's or user's memberships are already being removed with it.
        const removed = async ({ orgId, clerkId }: Doc<"memberships">) =>
          (await isTombstoned(ctx, orgId)) || (clerkId !== null && (await isTombstoned(ctx, clerkId)));
        const { candidates, nextCursor } = await unseen(ctx, run, rows, (row) => row.membershipId, removed);
        return {
          phase: run.phase,
          candidates: candidates.map(({ membershipId, orgId, clerkId }) => ({ membershipId, orgId, clerkId })),
          nextCursor,
        };
      }
    }
  },
});

/**
 * Of rows walked in index order, those stored before the run began that the run did not
 * see in Clerk: Clerk may no longer have them. (Rows created since arrived by webhook;
 * Clerk had them.) At most RECONCILE_CANDIDATES; `nextCursor` is the last row examined,
 * null when the table is done.
 */
async function unseen<R extends { _creationTime: number }>(
  ctx: QueryCtx,
  run: Run,
  rows: R[],
  idOf: (row: R) => string,
  skip: (row: R) => Promise<boolean> = async () => false,
): Promise<{ candidates: R[]; nextCursor: string | null }> {
  const candidates: R[] = [];
  for (const row of rows) {
    if (row._creationTime > run.startedAt) continue;
    const seen = await ctx.db
      .query("backfillSeen")
      .withIndex("by_run_clerk_id", (q) => q.eq("runId", run._id).eq("clerkId", idOf(row)))
      .first();
    if (seen || (await skip(row))) continue;
    candidates.push(row);
    if (candidates.length === RECONCILE_CANDIDATES) return { candidates, nextCursor: idOf(row) };
  }
  const last = rows.at(-1);
  return { candidates, nextCursor: rows.length === RECONCILE_SCAN && last ? idOf(last) : null };
}

/** Store one page of a Clerk list, under the same rules as webhooks, and go on. */
export const applyPage = mutation({
  args: {
    runId: v.string(),
    token: v.number(),
    page: vBackfillPage,
    /** Whether Clerk's list ended with this page (fewer objects than asked for). */
    lastPage: v.boolean(),
    requests: v.number(),
    /** Clerk's user count, when the plan asked for it. */
    clerkTotal: v.optional(v.number()),
  },
  returns: v.boolean(),
  handler: async (ctx, { runId, token, page, lastPage, requests, clerkTotal }) => {
    const run = await currentRun(ctx, runId, token);
    if (!run || run.phase !== page.kind) return false;
    const counts = { ...run.counts, requests: run.counts.requests + requests };
    const patch: Partial<Run> = { lastError: null, clerkTotal: clerkTotal ?? run.clerkTotal };
    let listEnded = lastPage;

    if (page.kind === "users" && run.mode === "full") {
      // Clerk's cursor: a user deleted mid-run shifts nothing, so nothing is skipped.
      await storeUsers(ctx, run, page.users, counts);
      counts.pages++;
      const last = page.users.at(-1);
      if (last) patch.userCursor = { id: last.clerkId, createdAt: last.createdAt };
    } else {
      const { entries, descending } = listEntries(page);
      const position = nextPosition(run, entries, descending, lastPage);
      Object.assign(patch, position.patch);
      listEnded = position.listEnded;
      if (position.rewound) {
        counts.rewinds++;
      } else {
        counts.pages++;
        // The anchors were stored by the previous step.
        const fresh = (id: string) => !run.anchors.includes(id);
        if (page.kind === "users") {
          const since = run.updatedSince ?? 0;
          // Past the watermark: nothing older changed since the last completed pass.
          if (page.users.some((user) => user.updatedAt < since)) listEnded = true;
          await storeUsers(
            ctx,
            run,
            page.users.filter((user) => user.updatedAt >= since && fresh(user.clerkId)),
            counts,
          );
        } else if (page.kind === "organizations") {
          const organizations = page.organizations.filter((org) => fresh(org.orgId));
          for (const organization of organizations) {
            await applySnapshot(ctx, organizationKind, organization, runContext(run));
            await markSeen(ctx, run, organization.orgId);
          }
          counts.organizationsSeen += organizations.length;
        } else if (page.kind === "memberships") {
          const memberships = page.memberships.filter(({ membership }) => fresh(membership.membershipId));
          await applyMembershipSnapshots(ctx, memberships, runContext(run));
          for (const { membership } of memberships) await markSeen(ctx, run, membership.membershipId);
          counts.membershipsSeen += memberships.length;
        } else if (page.kind === "permissions") {
          const permissions = page.permissions.filter((permission) => fresh(permission.permissionId));
          for (const permission of permissions) {
            await applySnapshot(ctx, permissionKind, permission, runContext(run));
            await markSeen(ctx, run, permission.permissionId);
          }
          counts.permissionsSeen += permissions.length;
        } else if (page.kind === "roles") {
          const roles = page.roles.filter(({ role }) => fresh(role.roleId));
          // Roles share permissions: each permission snapshot of the page is stored once.
          const applied = new Set<string>();
          for (const { role, permissions } of roles) {
            const unapplied = permissions.filter(({ permissionId }) => !applied.has(permissionId));
            for (const { permissionId } of unapplied) applied.add(permissionId);
            await applyRoleSnapshot(ctx, role, unapplied, runContext(run));
            await markSeen(ctx, run, role.roleId);
          }
          counts.rolesSeen += roles.length;
        } else if (page.kind === "billingPlans") {
          // Plans carry no `updated_at`: nothing to order them by, so they are not stored
          // themselves; the run keeps their features for the subscription items that follow.
          const read = new Map(page.plans.map((plan) => [plan.planId, plan]));
          patch.planFeatures = [...run.planFeatures.filter((plan) => !read.has(plan.planId)), ...read.values()];
          counts.plansSeen += page.plans.filter((plan) => fresh(plan.planId)).length;
        } else {
          const features = new Map(run.planFeatures.map((plan) => [plan.planId, plan.features]));
          const items = page.items.filter((item) => fresh(item.itemId));
          for (const item of items) {
            const planFeatures = (item.planId !== null ? features.get(item.planId) : undefined) ?? item.planFeatures;
            await applySnapshot(ctx, subscriptionItemKind, { ...item, planFeatures }, runContext(run));
          }
          counts.subscriptionItemsSeen += items.length;
        }
      }
    }
    await advance(ctx, run, { ...patch, counts }, listEnded, requests);
    return true;
  },
});

async function storeUsers(ctx: MutationCtx, run: Run, users: UserRecord[], counts: BackfillCounts) {
  for (const user of users) {
    const outcome = await applySnapshot(ctx, userKind, user, runContext(run));
    if (outcome === "inserted" || outcome === "updated" || outcome === "unchanged" || outcome === "stale") {
      counts[outcome]++;
    }
    await markSeen(ctx, run, user.clerkId);
  }
  counts.seen += users.length;
}

/** Record that a full pass with reconciliation saw an object in Clerk. */
async function markSeen(ctx: MutationCtx, run: Run, clerkId: string) {
  if (run.reconcile) await ctx.db.insert("backfillSeen", { runId: run._id, clerkId });
}

/**
 * The ids and sort keys of an offset-paged page, and its order. The incremental pass reads
 * users most recently updated first, Clerk lists billing plans and items newest first (they
 * take no `order_by`), the others are read oldest first. Plans carry no date: their anchors
 * alone tell whether the pages join.
 */
function listEntries(page: BackfillPage): { entries: { id: string; key: number | null }[]; descending: boolean } {
  switch (page.kind) {
    case "users":
      return { entries: page.users.map((user) => ({ id: user.clerkId, key: user.updatedAt })), descending: true };
    case "organizations":
      return { entries: page.organizations.map((org) => ({ id: org.orgId, key: org.createdAt })), descending: false };
    case "memberships":
      return {
        entries: page.memberships.map(({ membership: m }) => ({ id: m.membershipId, key: m.createdAt })),
        descending: false,
      };
    case "permissions":
      return {
        entries: page.permissions.map((p) => ({ id: p.permissionId, key: p.createdAt })),
        descending: false,
      };
    case "roles":
      return { entries: page.roles.map(({ role }) => ({ id: role.roleId, key: role.createdAt })), descending: false };
    case "billingPlans":
      return { entries: page.plans.map((plan) => ({ id: plan.planId, key: null })), descending: true };
    case "subscriptionItems":
      return { entries: page.items.map((item) => ({ id: item.itemId, key: item.createdAt })), descending: true };
  }
}

/**
 * Where an offset-paged list goes on after a page. Each request starts at the previous
 * page's last objects (the anchors). A page that contains none of them and starts after
 * the last one read may have skipped objects: objects before the position were deleted
 * and the list shifted. Then the run reads further back, until the pages join up again.
 */
function nextPosition(run: Run, entries: { id: string; key: number | null }[], descending: boolean, lastPage: boolean) {
  const precedes = (a: number | null, b: number) => a !== null && (descending ? a > b : a < b);
  const first = entries[0];
  const joined =
    run.offset === 0 ||
    run.anchors.length === 0 ||
    entries.some((entry) => run.anchors.includes(entry.id)) ||
    (first !== undefined && run.lastKey !== null && precedes(first.key, run.lastKey));
  if (!joined) {
    const offset = Math.max(0, run.offset - (run.pageSize - run.anchors.length));
    return { rewound: true, listEnded: false, patch: { offset } };
  }
  const overlap = Math.min(OFFSET_OVERLAP, run.pageSize - 1, entries.length);
  const anchors = entries.slice(entries.length - overlap).map((entry) => entry.id);
  const lastKey = entries.at(-1)?.key ?? run.lastKey;
  return {
    rewound: false,
    listEnded: lastPage,
    patch: { offset: run.offset + entries.length - overlap, anchors, lastKey },
  };
}

/**
 * Full passes: users, then organizations, memberships, permissions and roles, then billing,
 * then reconciliation of each (billing excepted), as asked.
 */
function nextPhase(run: Run): BackfillPhase | "done" {
  const organizations = ["organizations", "memberships", "permissions", "roles"] as const;
  const reconcileOrganizations = [
    "reconcileOrganizations",
    "reconcileMemberships",
    "reconcileRoles",
    "reconcilePermissions",
  ] as const;
  const order: BackfillPhase[] = [
    "users",
    ...(run.organizations ? organizations : []),
    ...(run.billing ? (["billingPlans", "subscriptionItems"] as const) : []),
    ...(run.reconcile ? (["reconcileUsers"] as const) : []),
    ...(run.reconcile && run.organizations ? reconcileOrganizations : []),
  ];
  return order[order.indexOf(run.phase) + 1] ?? "done";
}

/** Save the run's progress; when the phase is over, move to the next one (or finish). */
async function advance(ctx: MutationCtx, run: Run, patch: Partial<Run>, phaseEnded: boolean, requests: number) {
  const next = phaseEnded ? nextPhase(run) : run.phase;
  const fresh = { offset: 0, anchors: [], lastKey: null, reconcileCursor: null };
  await ctx.db.patch("backfillRuns", run._id, {
    ...patch,
    ...(phaseEnded && next !== "done" ? { phase: next, ...fresh } : {}),
  });
  await continueOrFinish(ctx, run._id, next === "done", requests);
}

/** Delete (tombstone, with hooks) the objects Clerk confirmed gone, and go on. */
export const applyReconcile = mutation({
  args: {
    runId: v.string(),
    token: v.number(),
    /** Candidates Clerk confirmed gone (404). */
    gone: v.array(v.string()),
    /** The plan's `nextCursor`: where the next step starts, null when this phase is done. */
    nextCursor: v.union(v.string(), v.null()),
    requests: v.number(),
  },
  returns: v.boolean(),
  handler: async (ctx, { runId, token, gone, nextCursor, requests }) => {
    const run = await currentRun(ctx, runId, token);
    if (!run || !run.phase.startsWith("reconcile")) return false;
    const context = runContext(run);
    const counts = { ...run.counts, requests: run.counts.requests + requests };
    for (const id of gone) {
      if (run.phase === "reconcileUsers") {
        if ((await applyDeletion(ctx, userKind, id, context)) === "deleted") counts.deleted++;
      } else if (run.phase === "reconcileOrganizations") {
        if ((await applyDeletion(ctx, organizationKind, id, context)) === "deleted") counts.organizationsDeleted++;
      } else if (run.phase === "reconcileRoles") {
        if ((await applyDeletion(ctx, roleKind, id, context)) === "deleted") counts.rolesDeleted++;
      } else if (run.phase === "reconcilePermissions") {
        if ((await applyDeletion(ctx, permissionKind, id, context)) === "deleted") counts.permissionsDeleted++;
      } else if ((await applyDeletion(ctx, membershipKind, id, context)) === "deleted") {
        counts.membershipsDeleted++;
      }
    }
    await advance(ctx, run, { counts, reconcileCursor: nextCursor, lastError: null }, nextCursor === null, requests);
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
    await ctx.db.patch("backfillRuns", run._id, {
      lastError: error,
      counts: { ...run.counts, requests: run.counts.requests + requests },
    });
    await scheduleStep(ctx, (await ctx.db.get("backfillRuns", run._id))!, Math.max(0, delayMs));
    return true;
  },
});

/** Restart a run whose step never reported (crashed, or lost). */
export const watchdog = internalMutation({
  args: { runId: v.id("backfillRuns"), token: v.number() },
  returns: v.null(),
  handler: async (ctx, { runId, token }) => {
    const run = await ctx.db.get("backfillRuns", runId);
    if (!run || run.status !== "running" || run.token !== token) return null;
    await ctx.db.patch("backfillRuns", run._id, { lastError: "a step did not report; restarted it", watchdog: null });
    await scheduleStep(ctx, (await ctx.db.get("backfillRuns", run._id))!, 0);
    return null;
  },
});

function runContext(run: Run): ChangeContext {
  return { source: "backfill", hooks: run.hooks };
}

function runningRun(ctx: QueryCtx): Promise<Run | null> {
  return ctx.db
    .query("backfillRuns")
    .withIndex("by_status", (q) => q.eq("status", "running"))
    .first();
}

async function currentRun(ctx: QueryCtx, runId: string, token: number): Promise<Run | null> {
  const id = ctx.db.normalizeId("backfillRuns", runId);
  const run = id && (await ctx.db.get("backfillRuns", id));
  return run && run.status === "running" && run.token === token ? run : null;
}

/** Schedule the next step, paced to the configured request rate, or finish the run. */
async function continueOrFinish(ctx: MutationCtx, runId: Id<"backfillRuns">, finished: boolean, requests: number) {
  const run = (await ctx.db.get("backfillRuns", runId))!;
  if (finished) return endRun(ctx, run, "done");
  await scheduleStep(ctx, run, requests * run.msPerRequest);
}

async function endRun(ctx: MutationCtx, run: Run, status: "done" | "canceled", reason?: string) {
  await cancelScheduled(ctx, run);
  await ctx.db.patch("backfillRuns", run._id, {
    status,
    finishedAt: Date.now(),
    scheduledStep: null,
    watchdog: null,
    ...(reason ? { lastError: reason } : {}),
  });
  if (run.reconcile) await ctx.scheduler.runAfter(0, internal.backfill.forgetSeen, { runId: run._id });
}

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

function toStatus(run: Run): BackfillRunStatus {
  return {
    runId: run._id,
    status: run.status,
    mode: run.mode,
    phase: run.phase,
    organizations: run.organizations,
    billing: run.billing,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    counts: run.counts,
    clerkTotal: run.clerkTotal,
    estimatedRemaining: run.clerkTotal === null ? null : Math.max(0, run.clerkTotal - run.counts.seen),
    updatedSince: run.updatedSince,
    lastError: run.lastError,
  };
}
