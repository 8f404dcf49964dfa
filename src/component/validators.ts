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

/** A Clerk organization as the component stores and returns it. */
export const organizationRecordFields = {
  orgId: v.string(),
  name: v.string(),
  slug: v.union(v.string(), v.null()),
  imageUrl: v.union(v.string(), v.null()),
  /** The Clerk id of the user who created it. */
  createdBy: v.union(v.string(), v.null()),
  publicMetadataJson: v.string(),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const organizationRecord = v.object(organizationRecordFields);
export type OrganizationRecord = Infer<typeof organizationRecord>;

/** A user's membership in an organization. */
export const membershipRecordFields = {
  membershipId: v.string(),
  orgId: v.string(),
  /** The member's Clerk user id; null until a delivery carries `public_user_data`. */
  clerkId: v.union(v.string(), v.null()),
  /** Clerk's role key as sent: `org:admin`, `org:member`, or legacy `admin`/`basic_member`. */
  role: v.string(),
  permissions: v.array(v.string()),
  /** The member's email, phone or username, as Clerk shows it. */
  identifier: v.union(v.string(), v.null()),
  publicMetadataJson: v.string(),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const membershipRecord = v.object(membershipRecordFields);
export type MembershipRecord = Infer<typeof membershipRecord>;

/** One verified Clerk delivery, normalized by the HTTP handler. */
export const clerkEvent = v.union(
  v.object({
    type: v.union(v.literal("user.created"), v.literal("user.updated")),
    user: userRecord,
  }),
  v.object({
    type: v.literal("user.deleted"),
    clerkId: v.string(),
  }),
  v.object({
    type: v.union(v.literal("organization.created"), v.literal("organization.updated")),
    organization: organizationRecord,
  }),
  v.object({
    type: v.literal("organization.deleted"),
    orgId: v.string(),
  }),
  v.object({
    type: v.union(v.literal("organizationMembership.created"), v.literal("organizationMembership.updated")),
    membership: membershipRecord,
    /** The organization snapshot the membership payload carries. */
    organization: v.union(organizationRecord, v.null()),
  }),
  v.object({
    type: v.literal("organizationMembership.deleted"),
    membershipId: v.string(),
  }),
);
export type ClerkEvent = Infer<typeof clerkEvent>;

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
/** What applying one snapshot or deletion did. */
export type Change = { outcome: ChangeOutcome };

export const deliveryOutcome = v.union(changeOutcome, v.literal("duplicate"));
export type DeliveryOutcome = Infer<typeof deliveryOutcome>;

/** Where a change came from, and the host's hook mutations (function handles) to run. */
export const hooksValidator = v.object({
  source: changeSource,
  onUserEvent: v.optional(v.string()),
  onOrganizationEvent: v.optional(v.string()),
});
export type Hooks = Infer<typeof hooksValidator>;

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
  /**
   * `users`, `organizations`, `memberships`: paging through Clerk's lists, in that order;
   * `reconcile`: deleting users Clerk no longer has.
   */
  phase: v.union(v.literal("users"), v.literal("organizations"), v.literal("memberships"), v.literal("reconcile")),
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
  organizationsSeen: v.number(),
  membershipsSeen: v.number(),
  /** Clerk's user count, as of the latest page. */
  clerkTotal: v.union(v.number(), v.null()),
  lastError: v.union(v.string(), v.null()),
  /** Function handle of the host's step action, and of its hooks. */
  step: v.string(),
  onUserEvent: v.optional(v.string()),
  onOrganizationEvent: v.optional(v.string()),
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
  organizations: v.boolean(),
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
  organizationsSeen: v.number(),
  membershipsSeen: v.number(),
  clerkTotal: v.union(v.number(), v.null()),
  /** Users of Clerk's count not seen yet by this run (an estimate: users come and go). */
  estimatedRemaining: v.union(v.number(), v.null()),
  lastError: v.union(v.string(), v.null()),
});
export type BackfillRunStatus = Infer<typeof backfillRunStatus>;

/** What the host's step action is asked to do next. */
export const backfillStepPlan = v.union(
  v.object({
    phase: v.union(v.literal("users"), v.literal("organizations"), v.literal("memberships")),
    offset: v.number(),
    pageSize: v.number(),
  }),
  v.object({ phase: v.literal("reconcile"), candidates: v.array(v.string()), nextCursor: v.string(), isDone: v.boolean() }),
);
export type BackfillStepPlan = Infer<typeof backfillStepPlan>;

/** What a host's organization hook receives, once per real change. */
export const organizationHookEvent = v.union(
  v.object({
    type: v.literal("organization.created"),
    orgId: v.string(),
    organization: organizationRecord,
    previous: v.null(),
    source: changeSource,
  }),
  v.object({
    type: v.literal("organization.updated"),
    orgId: v.string(),
    organization: organizationRecord,
    previous: organizationRecord,
    source: changeSource,
  }),
  v.object({
    type: v.literal("organization.deleted"),
    orgId: v.string(),
    organization: v.null(),
    previous: organizationRecord,
    source: changeSource,
  }),
  v.object({
    type: v.literal("organizationMembership.created"),
    membershipId: v.string(),
    membership: membershipRecord,
    previous: v.null(),
    source: changeSource,
  }),
  v.object({
    type: v.literal("organizationMembership.updated"),
    membershipId: v.string(),
    membership: membershipRecord,
    previous: membershipRecord,
    source: changeSource,
  }),
  v.object({
    type: v.literal("organizationMembership.deleted"),
    membershipId: v.string(),
    membership: v.null(),
    previous: membershipRecord,
    source: changeSource,
  }),
);
export type OrganizationHookEvent = Infer<typeof organizationHookEvent>;

/** One page of a Clerk list, normalized by the host's step. */
export const backfillPage = v.union(
  v.object({ kind: v.literal("users"), users: v.array(userRecord) }),
  v.object({ kind: v.literal("organizations"), organizations: v.array(organizationRecord) }),
  v.object({
    kind: v.literal("memberships"),
    memberships: v.array(v.object({ membership: membershipRecord, organization: v.union(organizationRecord, v.null()) })),
  }),
);
export type BackfillPage = Infer<typeof backfillPage>;
