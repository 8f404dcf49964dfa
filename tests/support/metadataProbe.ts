// A host module for the metadata round trip: a query that returns a synced user as is, and a
// user hook that passes the user's metadata on as another function's argument.
import { ClerkSync, defineUserEventHandlers, vSyncedUser, type UserEventHandlerReference } from "convex-clerk-sync";
import {
  internalMutationGeneric,
  makeFunctionReference,
  queryGeneric,
  type DataModelFromSchemaDefinition,
  type MutationBuilder,
  type QueryBuilder,
} from "convex/server";
import { v } from "convex/values";
import { components } from "../../example/convex/_generated/api";
import type schema from "../../example/convex/schema";

type DataModel = DataModelFromSchemaDefinition<typeof schema>;
const internalMutation = internalMutationGeneric as MutationBuilder<DataModel, "internal">;
const query = queryGeneric as QueryBuilder<DataModel, "public">;

export const clerk = new ClerkSync(components.clerk, {
  onUserEvent: makeFunctionReference("metadataProbe:onUserEvent") as unknown as UserEventHandlerReference,
});

/** A synced user, returned across the function boundary as `vSyncedUser` describes it. */
export const getUser = query({
  args: { clerkId: v.string() },
  returns: v.union(vSyncedUser, v.null()),
  handler: (ctx, { clerkId }) => clerk.getUser(ctx, clerkId),
});

/** Records the metadata keys it received as an argument (in `profiles`, keyed by the user). */
export const receiveMetadata = internalMutation({
  args: { clerkId: v.string(), metadata: v.record(v.string(), v.any()) },
  returns: v.null(),
  handler: async (ctx, { clerkId, metadata }) => {
    const received = { keys: Object.keys(metadata), role: (metadata as { role?: unknown }).role ?? null };
    await ctx.db.insert("profiles", { clerkId, displayName: JSON.stringify(received), imageUrl: null });
    return null;
  },
});

export const onUserEvent = defineUserEventHandlers(internalMutation, {
  "user.created": async (ctx, { user }) => {
    const receive = makeFunctionReference<"mutation">("metadataProbe:receiveMetadata");
    await ctx.runMutation(receive, { clerkId: user.clerkId, metadata: user.publicMetadata });
  },
});
