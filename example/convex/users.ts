import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { query } from "./_generated/server";
import { clerk } from "./clerk";

/** The signed-in user, or null when signed out or not synced yet. */
export const me = query({
  args: {},
  handler: async (ctx) => clerk.getCurrentUser(ctx),
});

/** Another user's public profile: no email, phone or metadata. */
export const publicProfile = query({
  args: { clerkId: v.string() },
  handler: async (ctx, { clerkId }) => {
    const user = await clerk.getUser(ctx, clerkId);
    if (!user) return null;
    return { clerkId: user.clerkId, name: user.name, username: user.username, imageUrl: user.imageUrl };
  },
});

/** A page of users' names, for a directory. */
export const directory = query({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) => {
    const result = await clerk.listUsers(ctx, { paginationOpts });
    return { ...result, page: result.page.map(({ clerkId, name }) => ({ clerkId, name })) };
  },
});
