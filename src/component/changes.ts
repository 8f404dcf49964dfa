import { v, type Infer } from "convex/values";
import {
  vInvitationRecord,
  vMembershipRecord,
  vOrganizationRecord,
  vSubscriptionItemRecord,
  vSubscriptionRecord,
  vUserRecord,
} from "./records.js";

/** Where a change came from. */
export const vChangeSource = v.union(
  /** A Clerk webhook delivery. */
  v.literal("webhook"),
  /** A backfill or reconciliation run over Clerk's Backend API. */
  v.literal("backfill"),
  /** A single snapshot stored directly (`users.upsert`: seeding, on-demand sync). */
  v.literal("api"),
);
export type ChangeSource = Infer<typeof vChangeSource>;

/** What became of one snapshot or deletion. */
export const vChangeOutcome = v.union(
  /** A row was inserted. */
  v.literal("inserted"),
  /** An existing row was replaced by a newer snapshot (or learned who a member is). */
  v.literal("updated"),
  /** The snapshot is the version already stored. */
  v.literal("unchanged"),
  /** Older than the stored version, or of a deleted object. */
  v.literal("stale"),
  /** The row was removed and a tombstone written. */
  v.literal("deleted"),
  /** A delete of an object never synced: only a tombstone is written. */
  v.literal("tombstoned"),
);
export type ChangeOutcome = Infer<typeof vChangeOutcome>;

/** Function handles of the host's hook mutations, created by `ClerkSync` (the one place hooks are wired). */
export const vHookHandles = v.object({
  onUserEvent: v.optional(v.string()),
  onOrganizationEvent: v.optional(v.string()),
  onBillingEvent: v.optional(v.string()),
});
export type HookHandles = Infer<typeof vHookHandles>;

/**
 * The `ConvexError` code a user hook built with `mirrorUsers` throws when its table holds several
 * rows for the user: the hook runner records it and keeps the component's change, since no retry
 * can apply it to the host until the rows are merged.
 */
export const MIRROR_DUPLICATE_ROWS = "MIRROR_DUPLICATE_ROWS";

/**
 * The `ConvexError` code a user hook built with `mirrorUsers` throws when a delivery brings a user
 * new to the component whose row the delete policy has already marked (a hand-written sync deleted
 * the user before the component took over): the hook runner tombstones the user instead of
 * storing it, and the delivery is `stale`.
 */
export const MIRROR_USER_DELETED = "MIRROR_USER_DELETED";

/**
 * Where a change comes from and which host hooks it runs; `svixId` for a webhook delivery, so a
 * hook's refusal is recorded against it.
 */
export type ChangeContext = { source: ChangeSource; hooks: HookHandles; svixId?: string };

/**
 * What a host's user hook receives, once per real change to the users table:
 * `user.created` when a user appears, `user.updated` when a newer snapshot replaces the
 * stored one, `user.deleted` when a stored user is removed.
 */
export const vUserHookEvent = v.union(
  v.object({
    type: v.literal("user.created"),
    clerkId: v.string(),
    user: vUserRecord,
    previous: v.null(),
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("user.updated"),
    clerkId: v.string(),
    user: vUserRecord,
    previous: vUserRecord,
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("user.deleted"),
    clerkId: v.string(),
    user: v.null(),
    previous: vUserRecord,
    source: vChangeSource,
  }),
);
export type UserHookEvent = Infer<typeof vUserHookEvent>;

/** What a host's organization hook receives, once per real change to organizations, memberships or invitations. */
export const vOrganizationHookEvent = v.union(
  v.object({
    type: v.literal("organization.created"),
    orgId: v.string(),
    organization: vOrganizationRecord,
    previous: v.null(),
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("organization.updated"),
    orgId: v.string(),
    organization: vOrganizationRecord,
    previous: vOrganizationRecord,
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("organization.deleted"),
    orgId: v.string(),
    organization: v.null(),
    previous: vOrganizationRecord,
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("organizationMembership.created"),
    membershipId: v.string(),
    membership: vMembershipRecord,
    previous: v.null(),
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("organizationMembership.updated"),
    membershipId: v.string(),
    membership: vMembershipRecord,
    previous: vMembershipRecord,
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("organizationMembership.deleted"),
    membershipId: v.string(),
    membership: v.null(),
    previous: vMembershipRecord,
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("organizationInvitation.created"),
    invitationId: v.string(),
    invitation: vInvitationRecord,
    previous: v.null(),
    source: vChangeSource,
  }),
  /** Its status changed (accepted, revoked, expired): compare `status` with `previous.status`. */
  v.object({
    type: v.literal("organizationInvitation.updated"),
    invitationId: v.string(),
    invitation: vInvitationRecord,
    previous: vInvitationRecord,
    source: vChangeSource,
  }),
  /** Removed with its deleted organization. */
  v.object({
    type: v.literal("organizationInvitation.deleted"),
    invitationId: v.string(),
    invitation: v.null(),
    previous: vInvitationRecord,
    source: vChangeSource,
  }),
);
export type OrganizationHookEvent = Infer<typeof vOrganizationHookEvent>;

/**
 * What a host's billing hook receives, once per real change to subscriptions or their
 * items. Clerk's own event names (`subscriptionItem.canceled`…) are statuses: compare
 * `status` with `previous.status`. Deletions happen only when the payer is deleted.
 */
export const vBillingHookEvent = v.union(
  v.object({
    type: v.literal("subscription.created"),
    subscriptionId: v.string(),
    subscription: vSubscriptionRecord,
    previous: v.null(),
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("subscription.updated"),
    subscriptionId: v.string(),
    subscription: vSubscriptionRecord,
    previous: vSubscriptionRecord,
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("subscription.deleted"),
    subscriptionId: v.string(),
    subscription: v.null(),
    previous: vSubscriptionRecord,
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("subscriptionItem.created"),
    itemId: v.string(),
    item: vSubscriptionItemRecord,
    previous: v.null(),
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("subscriptionItem.updated"),
    itemId: v.string(),
    item: vSubscriptionItemRecord,
    previous: vSubscriptionItemRecord,
    source: vChangeSource,
  }),
  v.object({
    type: v.literal("subscriptionItem.deleted"),
    itemId: v.string(),
    item: v.null(),
    previous: vSubscriptionItemRecord,
    source: vChangeSource,
  }),
);
export type BillingHookEvent = Infer<typeof vBillingHookEvent>;
