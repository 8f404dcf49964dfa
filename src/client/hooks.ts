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

/** Organization and membership hooks; each is optional. They run inside the sync's mutation. */
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
      const { source } = event;
      switch (event.type) {
        case "organization.created":
          await handlers[event.type]?.(ctx, { organization: toSynced(event.organization), source });
          break;
        case "organization.updated":
          await handlers[event.type]?.(ctx, {
            organization: toSynced(event.organization),
            previous: toSynced(event.previous),
            source,
          });
          break;
        case "organization.deleted":
          await handlers[event.type]?.(ctx, { orgId: event.orgId, previous: toSynced(event.previous), source });
          break;
        case "organizationMembership.created":
          await handlers[event.type]?.(ctx, { membership: toSynced(event.membership), source });
          break;
        case "organizationMembership.updated":
          await handlers[event.type]?.(ctx, {
            membership: toSynced(event.membership),
            previous: toSynced(event.previous),
            source,
          });
          break;
        case "organizationMembership.deleted":
          await handlers[event.type]?.(ctx, {
            membershipId: event.membershipId,
            previous: toSynced(event.previous),
            source,
          });
          break;
      }
      return null;
    },
  }) as RegisteredMutation<"internal", { event: OrganizationHookEvent }, Promise<null>>;
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
