import { MINUTE, RateLimiter } from "@convex-dev/rate-limiter";
import type { SyncedUser } from "convex-clerk-sync";
import { paginationOptsValidator } from "convex/server";
import { ConvexError, v } from "convex/values";
import { components } from "./_generated/api";
import { action, mutation, query } from "./_generated/server";
import { clerk } from "./clerk";

// Every function here is callable by any client. Only the owner of a user gets its email,
// phone or metadata back; everyone else gets at most the public fields below.

/** What anyone may see of a user: never email, phone or metadata. */
export type PublicUser = { clerkId: string; name: string; username: string | null; imageUrl: string | null };

/** Picks the public fields: the one way a user leaves these functions for someone else. */
export function toPublicUser(user: SyncedUser): PublicUser {
  return { clerkId: user.clerkId, name: user.name, username: user.username, imageUrl: user.imageUrl };
}

/**
 * Email lookups per caller: enough for an invite form (10 at once, then one every
 * 2 minutes), too few to walk the user base by guessing addresses.
 */
export const emailLookupLimit = { kind: "token bucket", rate: 30, period: 60 * MINUTE, capacity: 10 } as const;

const rateLimiter = new RateLimiter(components.rateLimiter, { emailLookup: emailLookupLimit });

/** Signed-in only: the caller's own view, or null when signed out or not synced yet. */
export const me = query({
  args: {},
  handler: async (ctx) => {
    const user = await clerk.getCurrentUser(ctx);
    if (!user) return null;
    const { clerkId, name, email, emailVerified, imageUrl, publicMetadata } = user;
    return { clerkId, name, email, emailVerified, imageUrl, role: publicMetadata["role"] ?? null };
  },
});

/** Public by design: another user's public profile (no email, phone or metadata), or null. */
export const publicProfile = query({
  args: { clerkId: v.string() },
  handler: async (ctx, { clerkId }): Promise<PublicUser | null> => {
    const user = await clerk.getUser(ctx, clerkId);
    return user && toPublicUser(user);
  },
});

/**
 * Signed-in and synced only, for an invite form: the public fields of the user whose
 * primary email this is (case-insensitive), or null. A mutation, so each lookup counts
 * against the caller's rate limit; past it, a `ConvexError` with `code` `RATE_LIMITED`
 * and `retryAfter` (ms).
 */
export const findByEmail = mutation({
  args: { email: v.string() },
  handler: async (ctx, { email }): Promise<PublicUser | null> => {
    const caller = await clerk.requireCurrentUser(ctx);
    const { ok, retryAfter } = await rateLimiter.limit(ctx, "emailLookup", { key: caller.clerkId });
    if (!ok) {
      throw new ConvexError({
        code: "RATE_LIMITED",
        message: `Too many email lookups; try again in ${Math.ceil(retryAfter / 1000)} s`,
        retryAfter,
      });
    }
    const user = await clerk.getUserByEmail(ctx, email);
    return user && toPublicUser(user);
  },
});

/** Signed-in and synced only: a page of users' public fields, for a directory. */
export const directory = query({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) => {
    await clerk.requireCurrentUser(ctx);
    const result = await clerk.listUsers(ctx, { paginationOpts });
    return { ...result, page: result.page.map(toPublicUser) };
  },
});

/**
 * Signed-in only (null when signed out): right after sign-up the token is valid before
 * Clerk's webhook lands, so the client calls this once and the caller (never anyone
 * else) is fetched from Clerk and stored if it is not synced yet.
 */
export const ensureMe = action({
  args: {},
  handler: async (ctx): Promise<{ clerkId: string; name: string } | null> => {
    const user = await clerk.syncCurrentUser(ctx);
    return user && { clerkId: user.clerkId, name: user.name };
  },
});
