import { v } from "convex/values";
import { query } from "./_generated/server";
import { clerk } from "./clerk";

/** The organization's admins only: its Clerk Billing as synced, or null when none is. */
export const forOrganization = query({
  args: { orgId: v.string() },
  handler: async (ctx, { orgId }) => {
    await clerk.requireOrgRole(ctx, orgId, "org:admin");
    const billing = await clerk.getSubscription(ctx, { orgId });
    if (!billing) return null;
    return {
      status: billing.subscription?.status ?? null,
      plans: billing.plans,
      features: billing.features,
      items: billing.items.map(({ planSlug, status, periodEnd }) => ({ planSlug, status, periodEnd })),
    };
  },
});

/** The signed-in user's own plan and feature, from synced billing. */
export const mine = query({
  args: {},
  handler: async (ctx) => {
    const { clerkId } = await clerk.requireCurrentUser(ctx);
    return {
      pro: await clerk.hasPlan(ctx, { userId: clerkId }, "pro"),
      canExport: await clerk.hasFeature(ctx, { userId: clerkId }, "export"),
    };
  },
});
