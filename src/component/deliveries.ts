import { getDocumentSize, v, type Infer, type Value } from "convex/values";
import { mutation, type MutationCtx } from "./_generated/server.js";
import { applySubscriptionSnapshot, subscriptionItemKind } from "./billing.js";
import { vChangeOutcome, vHookHandles, type ChangeContext, type ChangeOutcome } from "./changes.js";
import { invitationKind } from "./invitations.js";
import { applyMembershipSnapshots, membershipKind } from "./memberships.js";
import { organizationKind } from "./organizations.js";
import {
  INVITATION_EVENT_TYPES,
  SUBSCRIPTION_EVENT_TYPES,
  SUBSCRIPTION_ITEM_EVENT_TYPES,
  vInvitationRecord,
  vMembershipRecord,
  vOrganizationRecord,
  vPermissionRecord,
  vRoleRecord,
  vSubscriptionItemRecord,
  vSubscriptionRecord,
  vUserRecord,
  type UserRecord,
} from "./records.js";
import { applyRoleSnapshot, permissionKind, roleKind } from "./roles.js";
import { applyDeletion, applySnapshot, type NotAdmitted } from "./snapshots.js";
import { recordFailure } from "./failures.js";
import { confirmDelivered } from "./graceStores.js";
import { markFallbackFollowed } from "./signUpFallbacks.js";
import { userKind } from "./users.js";
import { unheldUserVerdict } from "./backfill/coverage.js";

/** One verified Clerk delivery, normalized by the HTTP handler. */
export const vClerkEvent = v.union(
  v.object({
    type: v.union(v.literal("user.created"), v.literal("user.updated")),
    user: vUserRecord,
  }),
  v.object({
    type: v.literal("user.deleted"),
    clerkId: v.string(),
  }),
  v.object({
    type: v.union(v.literal("organization.created"), v.literal("organization.updated")),
    organization: vOrganizationRecord,
  }),
  v.object({
    type: v.literal("organization.deleted"),
    orgId: v.string(),
  }),
  v.object({
    type: v.union(v.literal("organizationMembership.created"), v.literal("organizationMembership.updated")),
    membership: vMembershipRecord,
    /** The organization snapshot the membership payload carries. */
    organization: v.union(vOrganizationRecord, v.null()),
  }),
  v.object({
    type: v.literal("organizationMembership.deleted"),
    membershipId: v.string(),
  }),
  v.object({
    type: v.union(...INVITATION_EVENT_TYPES.map((type) => v.literal(type))),
    invitation: vInvitationRecord,
  }),
  v.object({
    type: v.union(v.literal("role.created"), v.literal("role.updated")),
    role: vRoleRecord,
    /** The permission snapshots the role payload carries. */
    permissions: v.array(vPermissionRecord),
  }),
  v.object({
    type: v.literal("role.deleted"),
    roleId: v.string(),
  }),
  v.object({
    type: v.union(v.literal("permission.created"), v.literal("permission.updated")),
    permission: vPermissionRecord,
  }),
  v.object({
    type: v.literal("permission.deleted"),
    permissionId: v.string(),
  }),
  v.object({
    type: v.union(...SUBSCRIPTION_EVENT_TYPES.map((type) => v.literal(type))),
    subscription: vSubscriptionRecord,
    /** The subscription's items, with its id and payer. */
    items: v.array(vSubscriptionItemRecord),
  }),
  v.object({
    type: v.union(...SUBSCRIPTION_ITEM_EVENT_TYPES.map((type) => v.literal(type))),
    item: vSubscriptionItemRecord,
  }),
);
export type ClerkEvent = Infer<typeof vClerkEvent>;

export const vDeliveryOutcome = v.union(
  vChangeOutcome,
  v.literal("duplicate"),
  /** A row it would write is over Convex's 1 MiB document limit: nothing but a failure record was written. */
  v.literal("too_large"),
  /**
   * A user the component does not hold, created before the full backfill pass under way began:
   * nothing was written; the pass decides first, and Svix's retry is applied after it.
   */
  v.literal("deferred"),
  /**
   * A user the component does not hold, created before any full backfill pass could list it,
   * while none has run and the host holds such users (`holdUnlisted`): recorded, nothing else
   * written; the first full pass stores the user if Clerk still has it.
   */
  v.literal("held"),
);
export type DeliveryOutcome = Infer<typeof vDeliveryOutcome>;

/** Convex's limit on a stored document, system fields included. */
export const MAX_DOCUMENT_BYTES = 1 << 20;

/**
 * Apply one verified Clerk delivery, atomically: the dedupe record, the row, the
 * tombstone and the host's hooks are written together or not at all. It reads and writes
 * only rows of the objects the delivery is about (no shared row every delivery writes),
 * so concurrent deliveries do not make each other retry. A delivery with a row Convex
 * cannot store is not applied: it answers `too_large`, recorded as a failure.
 */
export const apply = mutation({
  args: {
    svixId: v.string(),
    event: vClerkEvent,
    /** The host's hooks, run for real changes only. */
    hooks: vHookHandles,
    /** Hold a user no full pass has decided yet, rather than store it (`ClerkSync`'s `holdUnlistedUsers`). */
    holdUnlisted: v.optional(v.boolean()),
  },
  returns: vDeliveryOutcome,
  handler: async (ctx, { svixId, event, hooks, holdUnlisted }) => {
    const seen = await ctx.db
      .query("deliveries")
      .withIndex("by_svix_id", (q) => q.eq("svixId", svixId))
      .unique();
    if (seen) return "duplicate";
    if (documentsOf(event).some((document) => getDocumentSize(document) > MAX_DOCUMENT_BYTES)) {
      await recordFailure(ctx, { svixId, eventType: event.type, reason: "too_large" });
      return "too_large";
    }

    const outcome = await applyDelivered(ctx, event, { source: "webhook", hooks, svixId }, holdUnlisted === true);
    if (outcome === "deferred") return outcome;
    // A fallback's store left a row: a user.created that inserts one has no fallback to look for.
    if (event.type === "user.created" && outcome !== "inserted") await markFallbackFollowed(ctx, event.user.clerkId);
    if (outcome === "unchanged" || outcome === "stale") await confirmDelivered(ctx, event);
    await ctx.db.insert("deliveries", { svixId, eventType: event.type, outcome, receivedAt: Date.now() });
    return outcome;
  },
});

/**
 * The documents the event's snapshots would store: each record it carries, users with the
 * field their row adds. Checked before anything is written, so nothing is half applied.
 */
function documentsOf(event: ClerkEvent): Record<string, Value>[] {
  return Object.entries(event).flatMap(([field, value]: [string, Value]) => {
    if (field === "user") return [userKind.toRow(value as UserRecord)];
    const records = Array.isArray(value) ? value : [value];
    return records.filter((record): record is Record<string, Value> => typeof record === "object" && record !== null);
  });
}

/**
 * A delivered user the component neither holds nor has tombstoned is first checked against the
 * full backfill passes (backfill/coverage.ts): a late replay of a deleted user is stale.
 */
async function applyDelivered(
  ctx: MutationCtx,
  event: ClerkEvent,
  context: ChangeContext,
  holdUnlisted: boolean,
): Promise<ChangeOutcome | NotAdmitted> {
  if (event.type === "user.created" || event.type === "user.updated") {
    return applySnapshot(ctx, userKind, event.user, context, (user) => unheldUserVerdict(ctx, user, holdUnlisted));
  }
  return applyEvent(ctx, event, context);
}

/** Apply one event, from a delivery or from Clerk's answer to a write-through, under the snapshot rules. */
export async function applyEvent(ctx: MutationCtx, event: ClerkEvent, context: ChangeContext): Promise<ChangeOutcome> {
  switch (event.type) {
    case "user.created":
    case "user.updated":
      return applySnapshot(ctx, userKind, event.user, context);
    case "user.deleted":
      return applyDeletion(ctx, userKind, event.clerkId, context);
    case "organization.created":
    case "organization.updated":
      return applySnapshot(ctx, organizationKind, event.organization, context);
    case "organization.deleted":
      return applyDeletion(ctx, organizationKind, event.orgId, context);
    case "organizationMembership.created":
    case "organizationMembership.updated": {
      const [outcome] = await applyMembershipSnapshots(ctx, [event], context);
      return outcome!;
    }
    case "organizationMembership.deleted":
      return applyDeletion(ctx, membershipKind, event.membershipId, context);
    case "organizationInvitation.created":
    case "organizationInvitation.accepted":
    case "organizationInvitation.revoked":
      return applySnapshot(ctx, invitationKind, event.invitation, context);
    case "role.created":
    case "role.updated":
      return applyRoleSnapshot(ctx, event.role, event.permissions, context);
    case "role.deleted":
      return applyDeletion(ctx, roleKind, event.roleId, context);
    case "permission.created":
    case "permission.updated":
      return applySnapshot(ctx, permissionKind, event.permission, context);
    case "permission.deleted":
      return applyDeletion(ctx, permissionKind, event.permissionId, context);
    case "subscription.created":
    case "subscription.updated":
    case "subscription.active":
    case "subscription.pastDue":
      return applySubscriptionSnapshot(ctx, event.subscription, event.items, context);
    default:
      // Every `subscriptionItem.*` event: the whole item, whatever status names the event.
      return applySnapshot(ctx, subscriptionItemKind, event.item, context);
  }
}
