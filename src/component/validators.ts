import { v, type Infer } from "convex/values";

/**
 * A Clerk user as the component stores and returns it.
 *
 * `publicMetadataJson` holds Clerk's `public_metadata` as JSON text: metadata is
 * user-defined JSON whose keys may be anything (`$ref`, non-ASCII, ...), which Convex
 * values cannot hold as object keys. The client parses it back into `publicMetadata`.
 */
export const userRecordFields = {
  clerkId: v.string(),
  email: v.union(v.string(), v.null()),
  emailVerified: v.boolean(),
  phone: v.union(v.string(), v.null()),
  username: v.union(v.string(), v.null()),
  firstName: v.union(v.string(), v.null()),
  lastName: v.union(v.string(), v.null()),
  name: v.string(),
  imageUrl: v.union(v.string(), v.null()),
  externalId: v.union(v.string(), v.null()),
  publicMetadataJson: v.string(),
  /** Clerk's `created_at`, milliseconds. */
  createdAt: v.number(),
  /** Clerk's `updated_at`, milliseconds: the version used to order snapshots. */
  updatedAt: v.number(),
  lastSignInAt: v.union(v.number(), v.null()),
  banned: v.boolean(),
};
export const userRecord = v.object(userRecordFields);
export type UserRecord = Infer<typeof userRecord>;

/** Where a change to the users table came from. */
export const changeSource = v.union(
  /** A Clerk webhook delivery. */
  v.literal("webhook"),
  /** A backfill or reconciliation run over Clerk's Backend API. */
  v.literal("backfill"),
  /** A single snapshot stored directly (`users.upsert`: seeding, on-demand sync). */
  v.literal("api"),
);
export type ChangeSource = Infer<typeof changeSource>;

/** One verified Clerk delivery, normalized by the HTTP handler. */
export const userEvent = v.union(
  v.object({
    type: v.union(v.literal("user.created"), v.literal("user.updated")),
    user: userRecord,
  }),
  v.object({
    type: v.literal("user.deleted"),
    clerkId: v.string(),
  }),
);
export type UserEvent = Infer<typeof userEvent>;

/** What became of one snapshot or deletion. */
export const changeOutcome = v.union(
  /** A user row was inserted. */
  v.literal("inserted"),
  /** An existing row was replaced by a newer snapshot. */
  v.literal("updated"),
  /** The snapshot is the version already stored. */
  v.literal("unchanged"),
  /** Older than the stored version, or for a deleted user. */
  v.literal("stale"),
  /** The user row was removed and a tombstone written. */
  v.literal("deleted"),
  /** A delete for a user that was never synced: only a tombstone is written. */
  v.literal("tombstoned"),
);
export type ChangeOutcome = Infer<typeof changeOutcome>;

export const deliveryOutcome = v.union(changeOutcome, v.literal("duplicate"));
export type DeliveryOutcome = Infer<typeof deliveryOutcome>;

/**
 * What a host's lifecycle hook receives, once per real change to the users table:
 * `user.created` when a user appears, `user.updated` when a newer snapshot replaces the
 * stored one, `user.deleted` when a stored user is removed.
 */
export const userHookEvent = v.union(
  v.object({
    type: v.literal("user.created"),
    clerkId: v.string(),
    user: userRecord,
    previous: v.null(),
    source: changeSource,
  }),
  v.object({
    type: v.literal("user.updated"),
    clerkId: v.string(),
    user: userRecord,
    previous: userRecord,
    source: changeSource,
  }),
  v.object({
    type: v.literal("user.deleted"),
    clerkId: v.string(),
    user: v.null(),
    previous: userRecord,
    source: changeSource,
  }),
);
export type UserHookEvent = Infer<typeof userHookEvent>;


/** The counters and position of a backfill run. */
export const backfillRunFields = {
  status: v.union(v.literal("running"), v.literal("done"), v.literal("canceled")),
  /** `users`: paging through Clerk's user list; `reconcile`: deleting users Clerk no longer has. */
  phase: v.union(v.literal("users"), v.literal("reconcile")),
  startedAt: v.number(),
  finishedAt: v.union(v.number(), v.null()),
  pageSize: v.number(),
  reconcile: v.boolean(),
  /** Minimum delay per Clerk request, from the configured rate. */
  msPerRequest: v.number(),
  /** The next offset in Clerk's user list (ordered by created_at). */
  offset: v.number(),
  /** Where reconciliation continues in the users table. */
  reconcileCursor: v.union(v.string(), v.null()),
  pages: v.number(),
  requests: v.number(),
  seen: v.number(),
  inserted: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  stale: v.number(),
  deleted: v.number(),
  /** Clerk's user count, as of the latest page. */
  clerkTotal: v.union(v.number(), v.null()),
  lastError: v.union(v.string(), v.null()),
  /** Function handle of the host's step action, and of its hooks. */
  step: v.string(),
  onUserEvent: v.optional(v.string()),
  /** Bumped each time a step is scheduled: only the step holding it may write. */
  token: v.number(),
  scheduledStep: v.union(v.id("_scheduled_functions"), v.null()),
  watchdog: v.union(v.id("_scheduled_functions"), v.null()),
};

/** A run as the host sees it. */
export const backfillRunStatus = v.object({
  runId: v.string(),
  status: backfillRunFields.status,
  phase: backfillRunFields.phase,
  startedAt: v.number(),
  finishedAt: v.union(v.number(), v.null()),
  pages: v.number(),
  requests: v.number(),
  seen: v.number(),
  inserted: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  stale: v.number(),
  deleted: v.number(),
  clerkTotal: v.union(v.number(), v.null()),
  /** Users of Clerk's count not seen yet by this run (an estimate: users come and go). */
  estimatedRemaining: v.union(v.number(), v.null()),
  lastError: v.union(v.string(), v.null()),
});
export type BackfillRunStatus = Infer<typeof backfillRunStatus>;

/** What the host's step action is asked to do next. */
export const backfillStepPlan = v.union(
  v.object({ phase: v.literal("users"), offset: v.number(), pageSize: v.number() }),
  v.object({ phase: v.literal("reconcile"), candidates: v.array(v.string()), nextCursor: v.string(), isDone: v.boolean() }),
);
export type BackfillStepPlan = Infer<typeof backfillStepPlan>;
