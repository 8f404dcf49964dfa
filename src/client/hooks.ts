import type {
  FunctionReference,
  GenericDataModel,
  GenericMutationCtx,
  MutationBuilder,
  RegisteredMutation,
} from "convex/server";
import { v } from "convex/values";
import {
  vBillingHookEvent,
  vOrganizationHookEvent,
  vUserHookEvent,
  type BillingHookEvent,
  type ChangeSource,
  type OrganizationHookEvent,
  type UserHookEvent,
} from "../component/changes.js";
import {
  toSynced,
  type SyncedInvitation,
  type SyncedMembership,
  type SyncedOrganization,
  type SyncedSubscriptionItem,
  type SyncedSubscriptionRecord,
  type SyncedUser,
} from "./synced.js";

/** The host mutation that `ClerkSync({ onUserEvent })` runs for each change. */
export type UserEventHandlerReference = FunctionReference<"mutation", "internal", { event: UserHookEvent }, null>;

/** The handlers a host declares; each is optional. They run inside the sync's mutation. */
export type UserEventHandlers<Ctx> = {
  /** A user appeared (first snapshot stored, whichever event brought it). */
  "user.created"?: (ctx: Ctx, event: { user: SyncedUser; source: ChangeSource }) => Promise<void> | void;
  /** A newer snapshot replaced the stored one. */
  "user.updated"?: (
    ctx: Ctx,
    event: { user: SyncedUser; previous: SyncedUser; source: ChangeSource },
  ) => Promise<void> | void;
  /** A stored user was deleted in Clerk; `previous` is the last stored version. */
  "user.deleted"?: (
    ctx: Ctx,
    event: { clerkId: string; previous: SyncedUser; source: ChangeSource },
  ) => Promise<void> | void;
};

/**
 * Declare the host's lifecycle hooks as one internal mutation:
 *
 * ```ts
 * export const onUserEvent = defineUserEventHandlers(internalMutation, {
 *   "user.created": async (ctx, { user }) => { await ctx.db.insert("profiles", …) },
 * });
 * ```
 * and pass `internal.<module>.onUserEvent` to `new ClerkSync(components.clerk, { onUserEvent })`.
 * A handler that throws rolls back the whole delivery, which Svix then retries.
 */
export function defineUserEventHandlers<DataModel extends GenericDataModel>(
  internalMutation: MutationBuilder<DataModel, "internal">,
  handlers: UserEventHandlers<GenericMutationCtx<DataModel>>,
): RegisteredMutation<"internal", { event: UserHookEvent }, Promise<null>> {
  return internalMutation({
    // Convex wants an object of arguments at the top level.
    args: { event: vUserHookEvent },
    returns: v.null(),
    handler: async (ctx, { event }: { event: UserHookEvent }) => {
      const { source } = event;
      const previous = toSynced(event.previous);
      switch (event.type) {
        case "user.created":
          await handlers["user.created"]?.(ctx, { user: toSynced(event.user), source });
          break;
        case "user.updated":
          await handlers["user.updated"]?.(ctx, { user: toSynced(event.user), previous: previous!, source });
          break;
        case "user.deleted":
          await handlers["user.deleted"]?.(ctx, { clerkId: event.clerkId, previous: previous!, source });
          break;
      }
      return null;
    },
  }) as RegisteredMutation<"internal", { event: UserHookEvent }, Promise<null>>;
}

/** The host mutation that `ClerkSync({ onOrganizationEvent })` runs for each change. */
export type OrganizationEventHandlerReference = FunctionReference<
  "mutation",
  "internal",
  { event: OrganizationHookEvent },
  null
>;

/** Organization, membership and invitation hooks; each is optional. They run inside the sync's mutation. */
export type OrganizationEventHandlers<Ctx> = {
  "organization.created"?: (
    ctx: Ctx,
    event: { organization: SyncedOrganization; source: ChangeSource },
  ) => Promise<void> | void;
  "organization.updated"?: (
    ctx: Ctx,
    event: { organization: SyncedOrganization; previous: SyncedOrganization; source: ChangeSource },
  ) => Promise<void> | void;
  "organization.deleted"?: (
    ctx: Ctx,
    event: { orgId: string; previous: SyncedOrganization; source: ChangeSource },
  ) => Promise<void> | void;
  "organizationMembership.created"?: (
    ctx: Ctx,
    event: { membership: SyncedMembership; source: ChangeSource },
  ) => Promise<void> | void;
  "organizationMembership.updated"?: (
    ctx: Ctx,
    event: { membership: SyncedMembership; previous: SyncedMembership; source: ChangeSource },
  ) => Promise<void> | void;
  /** Also run for each membership removed because its organization or user was deleted. */
  "organizationMembership.deleted"?: (
    ctx: Ctx,
    event: { membershipId: string; previous: SyncedMembership; source: ChangeSource },
  ) => Promise<void> | void;
  "organizationInvitation.created"?: (
    ctx: Ctx,
    event: { invitation: SyncedInvitation; source: ChangeSource },
  ) => Promise<void> | void;
  /** Its status changed (Clerk's `accepted`/`revoked` events, or expiry): compare with `previous.status`. */
  "organizationInvitation.updated"?: (
    ctx: Ctx,
    event: { invitation: SyncedInvitation; previous: SyncedInvitation; source: ChangeSource },
  ) => Promise<void> | void;
  /** Run for each invitation removed because its organization was deleted. */
  "organizationInvitation.deleted"?: (
    ctx: Ctx,
    event: { invitationId: string; previous: SyncedInvitation; source: ChangeSource },
  ) => Promise<void> | void;
};

/** Declare the host's organization hooks as one internal mutation, like `defineUserEventHandlers`. */
export function defineOrganizationEventHandlers<DataModel extends GenericDataModel>(
  internalMutation: MutationBuilder<DataModel, "internal">,
  handlers: OrganizationEventHandlers<GenericMutationCtx<DataModel>>,
): RegisteredMutation<"internal", { event: OrganizationHookEvent }, Promise<null>> {
  return internalMutation({
    args: { event: vOrganizationHookEvent },
    returns: v.null(),
    handler: async (ctx, { event }: { event: OrganizationHookEvent }) => {
      await runOrganizationHandler(handlers, ctx, event);
      return null;
    },
  }) as RegisteredMutation<"internal", { event: OrganizationHookEvent }, Promise<null>>;
}

/** The host's handler for one organization, membership or invitation event, with synced shapes. */
async function runOrganizationHandler<Ctx>(
  handlers: OrganizationEventHandlers<Ctx>,
  ctx: Ctx,
  event: OrganizationHookEvent,
): Promise<void> {
  const { source } = event;
  switch (event.type) {
    case "organization.created":
      return handlers[event.type]?.(ctx, { organization: toSynced(event.organization), source });
    case "organization.updated": {
      const [organization, previous] = [toSynced(event.organization), toSynced(event.previous)];
      return handlers[event.type]?.(ctx, { organization, previous, source });
    }
    case "organization.deleted":
      return handlers[event.type]?.(ctx, { orgId: event.orgId, previous: toSynced(event.previous), source });
    case "organizationMembership.created":
      return handlers[event.type]?.(ctx, { membership: toSynced(event.membership), source });
    case "organizationMembership.updated": {
      const [membership, previous] = [toSynced(event.membership), toSynced(event.previous)];
      return handlers[event.type]?.(ctx, { membership, previous, source });
    }
    case "organizationMembership.deleted": {
      const { membershipId } = event;
      return handlers[event.type]?.(ctx, { membershipId, previous: toSynced(event.previous), source });
    }
    case "organizationInvitation.created":
      return handlers[event.type]?.(ctx, { invitation: toSynced(event.invitation), source });
    case "organizationInvitation.updated": {
      const [invitation, previous] = [toSynced(event.invitation), toSynced(event.previous)];
      return handlers[event.type]?.(ctx, { invitation, previous, source });
    }
    case "organizationInvitation.deleted": {
      const { invitationId } = event;
      return handlers[event.type]?.(ctx, { invitationId, previous: toSynced(event.previous), source });
    }
  }
}

/** The host mutation that `ClerkSync({ onBillingEvent })` runs for each change. */
export type BillingEventHandlerReference = FunctionReference<"mutation", "internal", { event: BillingHookEvent }, null>;

/**
 * Clerk Billing hooks; each is optional. They run inside the sync's mutation. Clerk names
 * its events after statuses (`subscriptionItem.canceled`…): here an item's status change
 * is an `updated` with the `previous` version.
 */
export type BillingEventHandlers<Ctx> = {
  "subscription.created"?: (
    ctx: Ctx,
    event: { subscription: SyncedSubscriptionRecord; source: ChangeSource },
  ) => Promise<void> | void;
  "subscription.updated"?: (
    ctx: Ctx,
    event: { subscription: SyncedSubscriptionRecord; previous: SyncedSubscriptionRecord; source: ChangeSource },
  ) => Promise<void> | void;
  /** Run when the payer (user or organization) is deleted. */
  "subscription.deleted"?: (
    ctx: Ctx,
    event: { subscriptionId: string; previous: SyncedSubscriptionRecord; source: ChangeSource },
  ) => Promise<void> | void;
  "subscriptionItem.created"?: (
    ctx: Ctx,
    event: { item: SyncedSubscriptionItem; source: ChangeSource },
  ) => Promise<void> | void;
  "subscriptionItem.updated"?: (
    ctx: Ctx,
    event: { item: SyncedSubscriptionItem; previous: SyncedSubscriptionItem; source: ChangeSource },
  ) => Promise<void> | void;
  /** Run when the payer (user or organization) is deleted. */
  "subscriptionItem.deleted"?: (
    ctx: Ctx,
    event: { itemId: string; previous: SyncedSubscriptionItem; source: ChangeSource },
  ) => Promise<void> | void;
};

/** Declare the host's billing hooks as one internal mutation, like `defineUserEventHandlers`. */
export function defineBillingEventHandlers<DataModel extends GenericDataModel>(
  internalMutation: MutationBuilder<DataModel, "internal">,
  handlers: BillingEventHandlers<GenericMutationCtx<DataModel>>,
): RegisteredMutation<"internal", { event: BillingHookEvent }, Promise<null>> {
  return internalMutation({
    args: { event: vBillingHookEvent },
    returns: v.null(),
    handler: async (ctx, { event }: { event: BillingHookEvent }) => {
      const { source } = event;
      switch (event.type) {
        case "subscription.created":
          await handlers[event.type]?.(ctx, { subscription: event.subscription, source });
          break;
        case "subscription.updated":
          await handlers[event.type]?.(ctx, { subscription: event.subscription, previous: event.previous, source });
          break;
        case "subscription.deleted":
          await handlers[event.type]?.(ctx, { subscriptionId: event.subscriptionId, previous: event.previous, source });
          break;
        case "subscriptionItem.created":
          await handlers[event.type]?.(ctx, { item: event.item, source });
          break;
        case "subscriptionItem.updated":
          await handlers[event.type]?.(ctx, { item: event.item, previous: event.previous, source });
          break;
        case "subscriptionItem.deleted":
          await handlers[event.type]?.(ctx, { itemId: event.itemId, previous: event.previous, source });
          break;
      }
      return null;
    },
  }) as RegisteredMutation<"internal", { event: BillingHookEvent }, Promise<null>>;
}
