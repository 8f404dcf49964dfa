import { mirrorUsers } from "convex-clerk-sync";
import { v } from "convex/values";
import { internalMutation, mutation, query, type QueryCtx } from "./_generated/server";

export const current = query({
  args: {},
  handler: async (ctx) => {
    return await getCurrentUser(ctx);
  },
});

/** The app's own field, set by the signed-in user. */
export const setBio = mutation({
  args: { bio: v.string() },
  handler: async (ctx, { bio }) => {
    const user = await getCurrentUserOrThrow(ctx);
    await ctx.db.patch("users", user._id, { bio });
  },
});

/**
 * Replaces upsertFromClerk and deleteFromClerk: keeps this table in step with Clerk's users.
 * A user is found by Clerk id through byExternalId; only `name` and `imageUrl` are written.
 */
export const usersMirror = mirrorUsers(internalMutation, {
  table: "users",
  index: "byExternalId",
  clerkIdField: "externalId",
  fields: (user) => ({ name: user.name, imageUrl: user.imageUrl ?? undefined }),
  onDelete: "remove",
  // Only for a user new to the app, never for one the old code stored.
  onInsert: async (ctx, userId) => {
    await ctx.db.insert("messages", { body: "joined the chat", userId });
  },
});

/** The user hook, wired in clerk.ts. */
export const onUserEvent = usersMirror.onUserEvent;

export async function getCurrentUserOrThrow(ctx: QueryCtx) {
  const userRecord = await getCurrentUser(ctx);
  if (!userRecord) throw new Error("Can't get current user");
  return userRecord;
}

export async function getCurrentUser(ctx: QueryCtx) {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    return null;
  }
  return await userByExternalId(ctx, identity.subject);
}

async function userByExternalId(ctx: QueryCtx, externalId: string) {
  return await ctx.db
    .query("users")
    .withIndex("byExternalId", (q) => q.eq("externalId", externalId))
    .unique();
}
