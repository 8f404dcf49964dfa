import { v, type Infer } from "convex/values";
import { vHookHandles } from "./changes.js";

/**
 * The kinds of Clerk object a backfill lists, in the order a pass lists them (and then
 * reconciles them). Each has a source module in `backfill/` and one in the client's
 * `backfill/`: a kind named here does not compile until both exist.
 */
export const BACKFILL_KINDS = [
  "users",
  "organizations",
  "memberships",
  "invitations",
  "permissions",
  "roles",
  "billingPlans",
  "subscriptionItems",
] as const;
export type BackfillKind = (typeof BACKFILL_KINDS)[number];
export const vBackfillKind = v.union(...BACKFILL_KINDS.map((kind) => v.literal(kind)));

/** What a run did with one kind of object. */
export const vKindCounts = v.object({
  /** Distinct objects read from Clerk's list (an object read again is not counted again). */
  seen: v.number(),
  /** What became of them under the snapshot rules. */
  inserted: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  stale: v.number(),
  /** Deleted by reconciliation (Clerk confirmed them gone): deletions no webhook had brought. */
  deleted: v.number(),
  /**
   * Of `inserted` and `updated`, the objects a webhook should have brought already: Clerk changed
   * them over 10 minutes before the pass stored them. A first pass's inserts are the starting
   * point, not repairs. Also the younger changes an earlier pass stored that no delivery brought
   * since (graceStores.ts). `repaired` and `deleted` are what the pass repaired.
   */
  repaired: v.number(),
  /** The latest Clerk `updated_at` (ms) among the repaired objects: when a change was last missed; null if none. */
  lastMissed: v.union(v.number(), v.null()),
});
export type KindCounts = Infer<typeof vKindCounts>;

const byKind = Object.fromEntries(BACKFILL_KINDS.map((kind) => [kind, vKindCounts])) as Record<
  BackfillKind,
  typeof vKindCounts
>;

/** What a run has done so far. */
export const vBackfillCounts = v.object({
  /** Clerk pages stored, all kinds. */
  pages: v.number(),
  /** Backend API requests made, all kinds. */
  requests: v.number(),
  /**
   * Pages read again: an offset-paged list that shifted under the run (objects deleted before
   * the position), or a list that ended short of Clerk's count. Nothing is skipped; each costs a request.
   */
  rewinds: v.number(),
  /** Per kind of object: `counts.byKind.users.inserted`. */
  byKind: v.object(byKind),
});
export type BackfillCounts = Infer<typeof vBackfillCounts>;

/**
 * `full`: every user (and organization, membership, role, permission, billing item), then deletions;
 * `incremental`: only the users Clerk changed since the last completed pass.
 */
export const BACKFILL_MODES = ["full", "incremental"] as const;
export const vBackfillMode = v.union(...BACKFILL_MODES.map((mode) => v.literal(mode)));
export type BackfillMode = Infer<typeof vBackfillMode>;

/** One stage of a run's plan: list a kind from Clerk, or reconcile it (delete what Clerk no longer has). */
export const vBackfillStage = v.object({
  kind: vBackfillKind,
  step: v.union(v.literal("list"), v.literal("reconcile")),
});
export type BackfillStage = Infer<typeof vBackfillStage>;

/** A stage by name: the kind while listing it (`users`), `reconcile…` while reconciling it (`reconcileUsers`). */
export type BackfillPhase = BackfillKind | `reconcile${Capitalize<BackfillKind>}`;
export function phaseOf({ kind, step }: BackfillStage): BackfillPhase {
  return step === "list" ? kind : `reconcile${capitalize(kind)}`;
}
function capitalize<K extends BackfillKind>(kind: K): Capitalize<K> {
  return (kind.charAt(0).toUpperCase() + kind.slice(1)) as Capitalize<K>;
}
const PHASES: BackfillPhase[] = BACKFILL_KINDS.flatMap((kind) => [
  phaseOf({ kind, step: "list" }),
  phaseOf({ kind, step: "reconcile" }),
]);
export const vBackfillPhase = v.union(...PHASES.map((phase) => v.literal(phase)));

/**
 * `running`; `done`: every stage finished and every list was read to its end; `incomplete`:
 * every stage finished, but a list ended short of Clerk's count even after reading it again
 * (see `shortfalls`); `canceled`.
 */
export const vBackfillRunState = v.union(
  v.literal("running"),
  v.literal("done"),
  v.literal("incomplete"),
  v.literal("canceled"),
);

/** A list that ended short of what Clerk said it holds. */
export const vBackfillShortfall = v.object({
  kind: vBackfillKind,
  /** Distinct objects the pass read from the list. */
  seen: v.number(),
  /** Clerk's count when the list ended (its user count, or the list's `total_count`). */
  clerkTotal: v.number(),
});
export type BackfillShortfall = Infer<typeof vBackfillShortfall>;

/** Clerk's cursor into a list read oldest first: the last object read. */
export const vListCursor = v.object({ id: v.string(), createdAt: v.number() });
export type ListCursor = Infer<typeof vListCursor>;

/** A billing plan's feature slugs, kept by the run from Clerk's plan list for the subscription items. */
export const vPlanFeatures = v.object({ planId: v.string(), features: v.array(v.string()) });
export type PlanFeatures = Infer<typeof vPlanFeatures>;

/** Where the current list stage reads next (see backfill/paging.ts). */
export const listPositionFields = {
  /** Cursor-paged lists: the last object read, Clerk's `starting_after` for the next page; null before the first. */
  cursor: v.union(vListCursor, v.null()),
  /** The next request reads again from a safe point: the list seemed to end short of Clerk's count. */
  reread: v.boolean(),
  /** Offset-paged lists: where the next request starts (it re-reads the `anchors`). */
  offset: v.number(),
  /** The ids of the objects read last, which the next page must contain unless the list shifted. */
  anchors: v.array(v.string()),
  /** The sort key (ms) of the object read last: a page that starts before it left no gap. */
  lastKey: v.union(v.number(), v.null()),
};

/** The stored state of a backfill run. */
export const backfillRunFields = {
  status: vBackfillRunState,
  mode: vBackfillMode,
  /** The run's plan, fixed at start, and the stage under way. */
  stages: v.array(vBackfillStage),
  stageIndex: v.number(),
  /** Whether the run also syncs organizations, memberships, roles and permissions. */
  organizations: v.boolean(),
  /** Whether the run also syncs Clerk Billing plans' features and subscription items. */
  billing: v.boolean(),
  /** The features of each plan read so far (from `billingPlans`, for `subscriptionItems`). */
  planFeatures: v.array(vPlanFeatures),
  startedAt: v.number(),
  finishedAt: v.union(v.number(), v.null()),
  /**
   * The kinds this pass lists that no pass ended `done` or `incomplete` listed before it: what it
   * inserts of them is the starting point, not repairs.
   */
  baseline: v.array(vBackfillKind),
  pageSize: v.number(),
  reconcile: v.boolean(),
  /** Minimum delay per Clerk request, from the configured rate. */
  msPerRequest: v.number(),
  ...listPositionFields,
  /** Incremental pass: users whose Clerk `updated_at` (ms) is at least this are fetched. */
  updatedSince: v.union(v.number(), v.null()),
  /** Reconciliation: the last Clerk id examined in the stage's table (walked in id order). */
  reconcileCursor: v.union(v.string(), v.null()),
  counts: vBackfillCounts,
  /** Clerk's user count, fetched at the start of a full pass (and again where the list ends). */
  clerkTotal: v.union(v.number(), v.null()),
  /** Lists that ended short of Clerk's count: the run ends `incomplete`. */
  shortfalls: v.array(vBackfillShortfall),
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
  /** The stage under way (the last one, once the run ended). */
  phase: vBackfillPhase,
  /** Every stage of the run's plan, in order. */
  stages: v.array(vBackfillPhase),
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
  /** Lists that ended short of Clerk's count (the run is, or will end, `incomplete`). */
  shortfalls: v.array(vBackfillShortfall),
  /** Objects per Clerk page now: halved after a page that could not be stored. */
  pageSize: v.number(),
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

/** Where the host's step reads a list: by Clerk's cursor, from a `created_at` (a safe re-read), or by offset. */
export const vListPosition = v.union(
  v.object({ type: v.literal("cursor"), after: v.union(vListCursor, v.null()) }),
  v.object({ type: v.literal("createdSince"), createdAt: v.number() }),
  v.object({ type: v.literal("offset"), offset: v.number() }),
);
export type ListPosition = Infer<typeof vListPosition>;

/** A stored object the run did not see in Clerk; memberships also name their organization and member. */
export const vReconcileCandidate = v.object({
  id: v.string(),
  orgId: v.optional(v.string()),
  userId: v.optional(v.union(v.string(), v.null())),
});
export type ReconcileCandidate = Infer<typeof vReconcileCandidate>;

/** What the host's step action is asked to do next. */
export const vBackfillStepPlan = v.union(
  v.object({
    step: v.literal("list"),
    kind: vBackfillKind,
    pageSize: v.number(),
    position: vListPosition,
    /**
     * When to also fetch Clerk's count of the list (users): `always` at the start of a full pass
     * (for the progress estimate), `ifShort` when a page comes back shorter than asked for (to
     * tell the end of the list from a page that fell short), else `never`.
     */
    count: v.union(v.literal("always"), v.literal("ifShort"), v.literal("never")),
  }),
  v.object({
    step: v.literal("reconcile"),
    kind: vBackfillKind,
    /** Stored objects the run did not see in Clerk: each is confirmed with Clerk before it is deleted. */
    candidates: v.array(vReconcileCandidate),
    /** Where the next reconciliation step starts; null when this is the last. */
    nextCursor: v.union(v.string(), v.null()),
  }),
);
export type BackfillStepPlan = Infer<typeof vBackfillStepPlan>;

/** A change a pass stored inside the repair grace (graceStores.ts), as its table holds it. */
export const graceStoreFields = {
  kind: vBackfillKind,
  /** The object's Clerk id (Clerk's ids never collide across kinds). */
  objectId: v.string(),
  /** The Clerk `updated_at` of the version the pass stored (ms). */
  changedAt: v.number(),
  /** When the pass stored it. */
  storedAt: v.number(),
};
