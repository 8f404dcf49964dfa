// The sign-up fallback: a user `syncCurrentUser` stored because the webhook had not landed.
// Each such store leaves one small row, which the user's `user.created` delivery marks
// `followed` when it is applied; the health check counts those never followed.
import { mutation, type MutationCtx, type QueryCtx } from "./_generated/server.js";
import { vChangeOutcome, vHookHandles } from "./changes.js";
import { vUserRecord } from "./records.js";
import { applySnapshot } from "./snapshots.js";
import { userKind } from "./users.js";

/** Fallbacks the health check reads at most, newest first. */
export const FALLBACKS_READ = 100;

/**
 * How recently Clerk must have created a user for their first store to count as a sign-up: an
 * older user with no row (an app adopting the component, before its first full pass) is no
 * evidence that a webhook was missed.
 */
export const SIGN_UP_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Store the signed-in user `syncCurrentUser` fetched from Clerk, under the webhook rules
 * (`source: "api"`, hooks included). Only when that inserts a user Clerk created in the last
 * day (a sign-up whose webhook had not landed) is a fallback recorded: once per sign-up, so it
 * cannot grow with deliveries.
 */
export const store = mutation({
  args: { user: vUserRecord, hooks: vHookHandles },
  returns: vChangeOutcome,
  handler: async (ctx, { user, hooks }) => {
    const outcome = await applySnapshot(ctx, userKind, user, { source: "api", hooks });
    if (outcome === "inserted" && user.createdAt >= Date.now() - SIGN_UP_WINDOW_MS) {
      await ctx.db.insert("signUpFallbacks", { clerkId: user.clerkId, storedAt: Date.now(), followed: false });
    }
    return outcome;
  },
});

/**
 * The user's `user.created` delivery was applied: mark their fallback, if any, followed. Only a
 * sign-up `syncCurrentUser` stored first has one, so this writes once per such sign-up.
 */
export async function markFallbackFollowed(ctx: MutationCtx, clerkId: string) {
  const fallback = await ctx.db
    .query("signUpFallbacks")
    .withIndex("by_clerkId", (q) => q.eq("clerkId", clerkId))
    .first();
  if (fallback && !fallback.followed) await ctx.db.patch("signUpFallbacks", fallback._id, { followed: true });
}

/** A fallback user whose `user.created` delivery has not been applied. */
export type UnfollowedFallback = { clerkId: string; storedAt: number };

/**
 * The fallbacks stored in [`from`, `to`] (newest `FALLBACKS_READ`), and those of them whose
 * `user.created` delivery never followed.
 */
export async function fallbacksBetween(
  ctx: QueryCtx,
  from: number,
  to: number,
): Promise<{ stored: number; unfollowed: UnfollowedFallback[] }> {
  const rows = await ctx.db
    .query("signUpFallbacks")
    .withIndex("by_storedAt", (q) => q.gte("storedAt", from).lte("storedAt", to))
    .order("desc")
    .take(FALLBACKS_READ);
  const unfollowed = rows.filter((row) => !row.followed).map(({ clerkId, storedAt }) => ({ clerkId, storedAt }));
  return { stored: rows.length, unfollowed };
}
