// Type-level checks of the hooks API, enforced by `npm run typecheck`: each
// `@ts-expect-error` fails the build if the line it marks ever type-checks.
import { defineOrganizationEventHandlers, defineUserEventHandlers, registerClerkRoutes } from "convex-clerk-sync";
import { httpRouter, internalMutationGeneric, makeFunctionReference, type FunctionReference, type MutationBuilder } from "convex/server";
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

const http = httpRouter();
const otherMutation = makeFunctionReference<"mutation", { userId: string }, null>("x:y") as unknown as FunctionReference<
  "mutation",
  "internal",
  { userId: string },
  null
>;
// @ts-expect-error a mutation with other arguments cannot be wired as the hooks
registerClerkRoutes(http, components.clerk, { onUserEvent: otherMutation });

defineOrganizationEventHandlers(internalMutation, {
  "organizationMembership.updated": async (_ctx, { membership, previous }) => {
    const roles: string[] = [membership.role, previous.role];
    void roles;
  },
  // @ts-expect-error an organization's deletion carries `orgId` and `previous`, not `organization`
  "organization.deleted": async (_ctx, { organization }) => void organization,
});
