import { v, type Infer } from "convex/values";
import { vHookHandles } from "./changes.js";
import {
  vMembershipWithOrganization,
  vOrganizationRecord,
  vPermissionRecord,
  vRoleRecord,
  vSubscriptionItemRecord,
  vUserRecord,
} from "./records.js";

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
  /** Organizations and memberships deleted by reconciliation. */
  organizationsDeleted: v.number(),
  membershipsDeleted: v.number(),
  /** Roles and permissions seen in Clerk's lists (with `organizations`), and deleted by reconciliation. */
  rolesSeen: v.number(),
  permissionsSeen: v.number(),
  rolesDeleted: v.number(),
  permissionsDeleted: v.number(),
  /** Billing plans and subscription items seen in Clerk's lists (with `billing`). */
  plansSeen: v.number(),
  subscriptionItemsSeen: v.number(),
  /**
   * Pages of an offset-paged list read again because the list shifted under the run
   * (objects deleted before the position): nothing is skipped, it costs a request each.
   */
  rewinds: v.number(),
});
export type BackfillCounts = Infer<typeof vBackfillCounts>;

/**
 * `full`: every user (and organization, membership, role, permission, billing item), then deletions;
 * `incremental`: only the users Clerk changed since the last completed pass.
 */
export const vBackfillMode = v.union(v.literal("full"), v.literal("incremental"));
export type BackfillMode = Infer<typeof vBackfillMode>;

export const vBackfillPhase = v.union(
  v.literal("users"),
  v.literal("organizations"),
  v.literal("memberships"),
  v.literal("permissions"),
  v.literal("roles"),
  v.literal("billingPlans"),
  v.literal("subscriptionItems"),
  v.literal("reconcileUsers"),
  v.literal("reconcileOrganizations"),
  v.literal("reconcileMemberships"),
  v.literal("reconcileRoles"),
  v.literal("reconcilePermissions"),
);
export type BackfillPhase = Infer<typeof vBackfillPhase>;
export const vBackfillRunState = v.union(v.literal("running"), v.literal("done"), v.literal("canceled"));

/** Clerk's cursor into its user list: the last user read. */
export const vUserCursor = v.object({ id: v.string(), createdAt: v.number() });

/** A billing plan's feature slugs, kept by the run from Clerk's plan list for the subscription items. */
export const vPlanFeatures = v.object({ planId: v.string(), features: v.array(v.string()) });
export type PlanFeatures = Infer<typeof vPlanFeatures>;

/** The stored state of a backfill run. */
export const backfillRunFields = {
  status: vBackfillRunState,
  mode: vBackfillMode,
  /**
   * `users`, `organizations`, `memberships`, `permissions`, `roles`, `billingPlans`,
   * `subscriptionItems`: paging through Clerk's lists, in that order;
   * `reconcile…`: deleting what Clerk no longer has (full passes).
   */
  phase: vBackfillPhase,
  /** Whether the run also syncs organizations, memberships, roles and permissions. */
  organizations: v.boolean(),
  /** Whether the run also syncs Clerk Billing plans' features and subscription items. */
  billing: v.boolean(),
  /** The features of each plan read so far (from `billingPlans`, for `subscriptionItems`). */
  planFeatures: v.array(vPlanFeatures),
  startedAt: v.number(),
  finishedAt: v.union(v.number(), v.null()),
  pageSize: v.number(),
  reconcile: v.boolean(),
  /** Minimum delay per Clerk request, from the configured rate. */
  msPerRequest: v.number(),
  /** Full pass: the last user read, Clerk's `starting_after` for the next page; null before the first. */
  userCursor: v.union(vUserCursor, v.null()),
  /** Lists paged by offset: where the next request starts (it re-reads the `anchors`). */
  offset: v.number(),
  /** The ids of the objects read last, which the next page must contain unless the list shifted. */
  anchors: v.array(v.string()),
  /** The sort key (ms) of the object read last: a page that starts before it left no gap. */
  lastKey: v.union(v.number(), v.null()),
  /** Incremental pass: users whose Clerk `updated_at` (ms) is at least this are fetched. */
  updatedSince: v.union(v.number(), v.null()),
  /** Reconciliation: the last Clerk id examined in the phase's table (walked in id order). */
  reconcileCursor: v.union(v.string(), v.null()),
  counts: vBackfillCounts,
  /** Clerk's user count, fetched once at the start of a full pass. */
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
  mode: vBackfillMode,
  phase: vBackfillPhase,
  organizations: v.boolean(),
  billing: v.boolean(),
  startedAt: v.number(),
  finishedAt: v.union(v.number(), v.null()),
  counts: vBackfillCounts,
  clerkTotal: v.union(v.number(), v.null()),
  /** Users of Clerk's count not seen yet by this run (an estimate: users come and go). */
  estimatedRemaining: v.union(v.number(), v.null()),
  /** Incremental pass: the watermark it started from (Clerk `updated_at`, ms); null for a full pass. */
  updatedSince: v.union(v.number(), v.null()),
  lastError: v.union(v.string(), v.null()),
});
export type BackfillRunStatus = Infer<typeof vBackfillRunStatus>;

/** Where the next incremental pass starts, from the last completed pass. */
export const vBackfillWatermark = v.object({
  /** Users whose Clerk `updated_at` (ms) is at least this are fetched by the next incremental pass. */
  updatedSince: v.number(),
  /** The completed run it comes from. */
  runId: v.string(),
  mode: vBackfillMode,
});
export type BackfillWatermark = Infer<typeof vBackfillWatermark>;

const vReconcileCursor = v.union(v.string(), v.null());
/** What the host's step action is asked to do next. */
export const vBackfillStepPlan = v.union(
  v.object({
    /** Full pass: Clerk's cursor, oldest first. */
    phase: v.literal("users"),
    order: v.literal("created"),
    pageSize: v.number(),
    after: v.union(vUserCursor, v.null()),
    /** Also fetch Clerk's user count (once per run, for the progress estimate). */
    count: v.boolean(),
  }),
  v.object({
    /** Incremental pass: most recently updated first, by offset (it stops at the watermark). */
    phase: v.literal("users"),
    order: v.literal("updated"),
    pageSize: v.number(),
    offset: v.number(),
  }),
  v.object({
    phase: v.union(
      v.literal("organizations"),
      v.literal("memberships"),
      v.literal("permissions"),
      v.literal("roles"),
      v.literal("billingPlans"),
      v.literal("subscriptionItems"),
    ),
    pageSize: v.number(),
    offset: v.number(),
  }),
  v.object({
    phase: v.union(
      v.literal("reconcileUsers"),
      v.literal("reconcileOrganizations"),
      v.literal("reconcileRoles"),
      v.literal("reconcilePermissions"),
    ),
    /** Stored objects the run did not see in Clerk: each is confirmed with Clerk before it is deleted. */
    candidates: v.array(v.string()),
    /** Where the next reconciliation step starts; null when this is the last. */
    nextCursor: vReconcileCursor,
  }),
  v.object({
    phase: v.literal("reconcileMemberships"),
    candidates: v.array(
      v.object({ membershipId: v.string(), orgId: v.string(), clerkId: v.union(v.string(), v.null()) }),
    ),
    nextCursor: vReconcileCursor,
  }),
);
export type BackfillStepPlan = Infer<typeof vBackfillStepPlan>;

/** One page of a Clerk list, normalized by the host's step. */
export const vBackfillPage = v.union(
  v.object({ kind: v.literal("users"), users: v.array(vUserRecord) }),
  v.object({ kind: v.literal("organizations"), organizations: v.array(vOrganizationRecord) }),
  v.object({ kind: v.literal("memberships"), memberships: v.array(vMembershipWithOrganization) }),
  v.object({ kind: v.literal("permissions"), permissions: v.array(vPermissionRecord) }),
  /** Each role with the permission snapshots it carries. */
  v.object({
    kind: v.literal("roles"),
    roles: v.array(v.object({ role: vRoleRecord, permissions: v.array(vPermissionRecord) })),
  }),
  v.object({ kind: v.literal("billingPlans"), plans: v.array(vPlanFeatures) }),
  v.object({ kind: v.literal("subscriptionItems"), items: v.array(vSubscriptionItemRecord) }),
);
export type BackfillPage = Infer<typeof vBackfillPage>;
