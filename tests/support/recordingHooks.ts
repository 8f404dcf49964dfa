// A host module for hook tests: records every hook call in the app's `profiles`
// table, and throws after writing while `failing.enabled` is set.
import { defineUserEventHandlers } from "convex-clerk-sync";
import { internalMutationGeneric, type DataModelFromSchemaDefinition, type MutationBuilder } from "convex/server";
import type schema from "../../example/convex/schema";

type DataModel = DataModelFromSchemaDefinition<typeof schema>;
const internalMutation = internalMutationGeneric as MutationBuilder<DataModel, "internal">;

export const failing = { enabled: false };

export const onUserEvent = defineUserEventHandlers(internalMutation, {
  "user.created": async (ctx, { user, source }) => {
    await ctx.db.insert("profiles", { clerkId: user.clerkId, displayName: `created:${source}:${user.name}`, imageUrl: null });
    if (failing.enabled) throw new Error("hook failed");
  },
  "user.updated": async (ctx, { user, previous, source }) => {
    await ctx.db.insert("profiles", {
      clerkId: user.clerkId,
      displayName: `updated:${source}:${previous.name}->${user.name}`,
      imageUrl: null,
    });
    if (failing.enabled) throw new Error("hook failed");
  },
  "user.deleted": async (ctx, { clerkId, previous, source }) => {
    await ctx.db.insert("profiles", { clerkId, displayName: `deleted:${source}:${previous.name}`, imageUrl: null });
    if (failing.enabled) throw new Error("hook failed");
  },
});
