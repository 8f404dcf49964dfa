import { v, type Infer } from "convex/values";
import { vHookHandles } from "./changes.js";
import { vMembershipWithOrganization, vOrganizationRecord, vUserRecord } from "./records.js";

/** What a run has done so far. */
export const vBackfillCounts = v.object({
  /** Clerk pages stored, all phases. */
  pages: v.number(),
  /** Backend API requests made, all phases. */
  requests: v.number(),
  /** Users seen in Clerk's list, and what became of them. */
  seen: v.number(),
  inserted: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  stale: v.number(),
  /** Users deleted by reconciliation. */
  deleted: v.number(),
  organizationsSeen: v.number(),
  membershipsSeen: v.number(),
});
export type BackfillCounts = Infer<typeof vBackfillCounts>;

export const vBackfillPhase = v.union(
  v.literal("users"),
  v.literal("organizations"),
  v.literal("memberships"),
  v.literal("reconcile"),
);
export const vBackfillRunState = v.union(v.literal("running"), v.literal("done"), v.literal("canceled"));

/** The stored state of a backfill run. */
export const backfillRunFields = {
  status: vBackfillRunState,
  /**
   * `users`, `organizations`, `memberships`: paging through Clerk's lists, in that order;
   * `reconcile`: deleting users Clerk no longer has.
   */
  phase: vBackfillPhase,
  /** Whether the run also syncs organizations and memberships. */
  organizations: v.boolean(),
  startedAt: v.number(),
  finishedAt: v.union(v.number(), v.null()),
  pageSize: v.number(),
  reconcile: v.boolean(),
  /** Minimum delay per Clerk request, from the configured rate. */
  msPerRequest: v.number(),
  /** The next offset in the current phase's Clerk list (ordered by created_at). */
  offset: v.number(),
  /** The last Clerk id reconciliation checked in the users table (it walks `by_clerk_id`). */
  reconcileAfter: v.union(v.string(), v.null()),
  counts: vBackfillCounts,
  /** Clerk's user count, as of the latest page. */
  clerkTotal: v.union(v.number(), v.null()),
  lastError: v.union(v.string(), v.null()),
  /** Function handle of the host's step action, and of its hooks. */
  step: v.string(),
  hooks: vHookHandles,
  /** Bumped each time a step is scheduled: only the step holding it may write. */
  token: v.number(),
  scheduledStep: v.union(v.id("_scheduled_functions"), v.null()),
  watchdog: v.union(v.id("_scheduled_functions"), v.null()),
};

/** A run as the host sees it. */
export const vBackfillRunStatus = v.object({
  runId: v.string(),
  status: vBackfillRunState,
  phase: vBackfillPhase,
  organizations: v.boolean(),
  startedAt: v.number(),
  finishedAt: v.union(v.number(), v.null()),
  counts: vBackfillCounts,
  clerkTotal: v.union(v.number(), v.null()),
  /** Users of Clerk's count not seen yet by this run (an estimate: users come and go). */
  estimatedRemaining: v.union(v.number(), v.null()),
  lastError: v.union(v.string(), v.null()),
});
export type BackfillRunStatus = Infer<typeof vBackfillRunStatus>;

/** What the host's step action is asked to do next. */
export const vBackfillStepPlan = v.union(
  v.object({
    phase: v.union(v.literal("users"), v.literal("organizations"), v.literal("memberships")),
    offset: v.number(),
    pageSize: v.number(),
  }),
  v.object({
    phase: v.literal("reconcile"),
    candidates: v.array(v.string()),
    /** Where the next reconciliation step starts; null when this is the last. */
    nextAfter: v.union(v.string(), v.null()),
  }),
);
export type BackfillStepPlan = Infer<typeof vBackfillStepPlan>;

/** One page of a Clerk list, normalized by the host's step. */
export const vBackfillPage = v.union(
  v.object({ kind: v.literal("users"), users: v.array(vUserRecord) }),
  v.object({ kind: v.literal("organizations"), organizations: v.array(vOrganizationRecord) }),
  v.object({ kind: v.literal("memberships"), memberships: v.array(vMembershipWithOrganization) }),
);
export type BackfillPage = Infer<typeof vBackfillPage>;
