import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { action, query } from "./_generated/server";
import { clerk } from "./clerk";

/** The signed-in user's own view, or null when signed out or not synced yet. */
export const me = query({
  args: {},
  handler: async (ctx) => {
    const user = await clerk.getCurrentUser(ctx);
    if (!user) return null;
    const { clerkId, name, email, emailVerified, imageUrl, publicMetadata } = user;
    return { clerkId, name, email, emailVerified, imageUrl, role: publicMetadata.role ?? null };
  },
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

/** Look a user up by email (case-insensitive), for an invite form. */
export const findByEmail = query({
  args: { email: v.string() },
  handler: async (ctx, { email }) => {
    const user = await clerk.getUserByEmail(ctx, email);
    return user && { clerkId: user.clerkId, name: user.name };
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

/**
 * Right after sign-up the token is valid before Clerk's webhook lands: the client calls
 * this once, and the user is fetched from Clerk and stored if it is not synced yet.
 */
export const ensureMe = action({
  args: {},
  handler: async (ctx): Promise<{ clerkId: string; name: string } | null> => {
    const user = await clerk.syncCurrentUser(ctx);
    return user && { clerkId: user.clerkId, name: user.name };
  },
});
