import { defineUserEventHandlers } from "convex-clerk-sync";
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation, query } from "./_generated/server";

/**
 * Lifecycle hooks, run inside the mutation that applies each Clerk delivery: a profile
 * exists exactly when the user does. Wired in http.ts.
 */
export const onUserEvent = defineUserEventHandlers(internalMutation, {
  "user.created": async (ctx, { user }) => {
    await ctx.db.insert("profiles", { clerkId: user.clerkId, displayName: user.name, imageUrl: user.imageUrl });
  },
  "user.updated": async (ctx, { user }) => {
    const profile = await ctx.db
      .query("profiles")
      .withIndex("by_clerk_id", (q) => q.eq("clerkId", user.clerkId))
      .unique();
    const fields = { displayName: user.name, imageUrl: user.imageUrl };
    if (profile) await ctx.db.patch("profiles", profile._id, fields);
    else await ctx.db.insert("profiles", { clerkId: user.clerkId, ...fields });
  },
  "user.deleted": async (ctx, { clerkId }) => {
    const profile = await ctx.db
      .query("profiles")
      .withIndex("by_clerk_id", (q) => q.eq("clerkId", clerkId))
      .unique();
    if (profile) await ctx.db.delete("profiles", profile._id);
    // A user may have many notes: delete them in batches outside the delivery.
    await ctx.scheduler.runAfter(0, internal.notes.deleteByAuthor, { authorId: clerkId });
  },
});

/** Public by design: a user's profile (display name and image only), or null. */
export const get = query({
  args: { clerkId: v.string() },
  handler: async (ctx, { clerkId }) => {
    const profile = await ctx.db
      .query("profiles")
      .withIndex("by_clerk_id", (q) => q.eq("clerkId", clerkId))
      .unique();
    return profile && { clerkId: profile.clerkId, displayName: profile.displayName, imageUrl: profile.imageUrl };
  },
});
