import { ConvexError, v } from "convex/values";
import { action, query } from "./_generated/server";
import { clerk } from "./clerk";

/**
 * Signed-in only: mark the caller's onboarding complete in Clerk's public metadata, as Clerk's
 * onboarding guide does. Clerk's answer is stored before this returns: `status` (and every
 * query that reads the user) shows it at once, while the session token shows it only once
 * Clerk refreshes it.
 */
export const complete = action({
  args: {},
  returns: v.object({ onboardingComplete: v.boolean() }),
  handler: async (ctx) => {
    // The caller, fetched from Clerk and stored if its webhook has not landed yet.
    const user = await clerk.syncCurrentUser(ctx);
    if (!user) throw new ConvexError({ code: "UNAUTHENTICATED", message: "Not signed in" });
    const updated = await clerk.updateUserMetadata(ctx, user.clerkId, {
      publicMetadata: { onboardingComplete: true },
    });
    return { onboardingComplete: updated.publicMetadata["onboardingComplete"] === true };
  },
});

/** Whether the caller has finished onboarding, from synced data (false when signed out). */
export const status = query({
  args: {},
  returns: v.object({ onboardingComplete: v.boolean() }),
  handler: async (ctx) => {
    const user = await clerk.getCurrentUser(ctx);
    return { onboardingComplete: user?.publicMetadata["onboardingComplete"] === true };
  },
});
