// Type-level checks of the public API, enforced by `npm run typecheck`: each
// `@ts-expect-error` fails the build if the line it marks ever type-checks.
import {
  ClerkSync,
  defineBillingEventHandlers,
  defineOrganizationEventHandlers,
  defineUserEventHandlers,
  vSyncedSubscription,
  vSyncedUser,
} from "convex-clerk-sync";
import { registerClerkRoutes } from "convex-clerk-sync/http";
import {
  actionGeneric,
  httpRouter,
  internalMutationGeneric,
  makeFunctionReference,
  mutationGeneric,
  queryGeneric,
  type ActionBuilder,
  type FunctionReference,
  type MutationBuilder,
  type QueryBuilder,
} from "convex/server";
import { v } from "convex/values";
import type { DataModel } from "../example/convex/_generated/dataModel";
import { components } from "../example/convex/_generated/api";

const internalMutation = internalMutationGeneric as MutationBuilder<DataModel, "internal">;

export const wellTyped = defineUserEventHandlers(internalMutation, {
  "user.created": async (ctx, { user, source }) => {
    const name: string = user.name;
    const email: string | null = user.email;
    const from: "webhook" | "backfill" | "api" = source;
    await ctx.db.insert("profiles", { clerkId: user.clerkId, displayName: name + email + from, imageUrl: null });
  },
  "user.updated": async (_ctx, { previous }) => {
    const before: string = previous.name;
    void before;
  },
  "user.deleted": async (_ctx, { clerkId }) => {
    const id: string = clerkId;
    void id;
  },
});

defineUserEventHandlers(internalMutation, {
  // @ts-expect-error a created user is never null, and has no `fullName`
  "user.created": async (_ctx, { user }: { user: { fullName: string } }) => void user,
});

defineUserEventHandlers(internalMutation, {
  // @ts-expect-error a deleted user's event carries `clerkId` and `previous`, not `user`
  "user.deleted": async (_ctx, { user }) => void user,
});

defineUserEventHandlers(internalMutation, {
  "user.created": async (ctx, { user }) => {
    // @ts-expect-error the host's table schema is enforced inside hooks
    await ctx.db.insert("profiles", { clerkId: user.clerkId });
  },
});

defineUserEventHandlers(internalMutation, {
  // @ts-expect-error an unknown event name
  "user.renamed": async () => {},
});

const otherMutation = makeFunctionReference<"mutation", { userId: string }, null>(
  "x:y",
) as unknown as FunctionReference<"mutation", "internal", { userId: string }, null>;
// @ts-expect-error a mutation with other arguments cannot be wired as the hooks
new ClerkSync(components.clerk, { onUserEvent: otherMutation });

// Hooks are wired once, on the ClerkSync: the route takes the ClerkSync, not the component.
const clerk = new ClerkSync(components.clerk);
registerClerkRoutes(httpRouter(), clerk);
// @ts-expect-error the bare component would apply webhooks without the ClerkSync's hooks
registerClerkRoutes(httpRouter(), components.clerk);

const query = queryGeneric as QueryBuilder<DataModel, "public">;
const mutation = mutationGeneric as MutationBuilder<DataModel, "public">;
const action = actionGeneric as ActionBuilder<DataModel, "public">;

// syncCurrentUser loads Clerk's client on demand, which Convex allows in actions only.
export const syncFromAction = action({ args: {}, handler: (ctx) => clerk.syncCurrentUser(ctx) });
export const syncFromMutation = mutation({
  args: {},
  // @ts-expect-error a mutation cannot load modules on demand
  handler: (ctx) => clerk.syncCurrentUser(ctx),
});
export const syncFromQuery = query({
  args: {},
  // @ts-expect-error nor can a query
  handler: (ctx) => clerk.syncCurrentUser(ctx),
});

// Write-throughs load Clerk's client on demand too: actions only.
export const banFromAction = action({ args: {}, handler: (ctx) => clerk.banUser(ctx, "user_1") });
export const banFromMutation = mutation({
  args: {},
  // @ts-expect-error a mutation cannot load modules on demand
  handler: (ctx) => clerk.banUser(ctx, "user_1"),
});
export const inviteFromMutation = mutation({
  args: {},
  handler: (ctx) =>
    // @ts-expect-error nor create an invitation
    clerk.createInvitation(ctx, { orgId: "org_1", emailAddress: "a@example.org", role: "org:member" }),
});

// A synced user is a Convex value: a host may declare it in `returns` and return it as is.
export const me = query({
  args: {},
  returns: v.union(vSyncedUser, v.null()),
  handler: (ctx) => clerk.getCurrentUser(ctx),
});

defineOrganizationEventHandlers(internalMutation, {
  "organizationMembership.updated": async (_ctx, { membership, previous }) => {
    const roles: string[] = [membership.role, previous.role];
    void roles;
  },
  // @ts-expect-error an organization's deletion carries `orgId` and `previous`, not `organization`
  "organization.deleted": async (_ctx, { organization }) => void organization,
});

defineBillingEventHandlers(internalMutation, {
  "subscriptionItem.updated": async (_ctx, { item, previous }) => {
    const statuses: string[] = [item.status, previous.status];
    const plan: string | null = item.planSlug;
    void [statuses, plan];
  },
  // @ts-expect-error a deleted subscription's event carries `subscriptionId` and `previous`, not `subscription`
  "subscription.deleted": async (_ctx, { subscription }) => void subscription,
});

// has() takes one question at a time, and a ctx with `auth`.
export const canExport = query({
  args: { orgId: v.string() },
  returns: v.boolean(),
  handler: (ctx, { orgId }) => clerk.has(ctx, { feature: "o:export" }, { orgId }),
});
// @ts-expect-error not a question has() answers
export const badCheck = query({ args: {}, handler: (ctx) => clerk.has(ctx, { plans: "pro" }) });
export const noAuth = query({
  args: {},
  // @ts-expect-error a ctx without `auth` cannot read the session token
  handler: (ctx) => clerk.has({ runQuery: ctx.runQuery }, { plan: "pro" }),
});

// A payer's billing is a Convex value: a host may declare it in `returns`.
export const myBilling = query({
  args: {},
  returns: v.union(vSyncedSubscription, v.null()),
  handler: async (ctx) => {
    const user = await clerk.requireCurrentUser(ctx);
    return clerk.getSubscription(ctx, { userId: user.clerkId });
  },
});
