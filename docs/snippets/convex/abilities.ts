import { v } from "convex/values";
import { query } from "./_generated/server";
import { clerk } from "./clerk";

/**
 * What the signed-in user may do in an organization, for the UI to show or hide controls.
 * Each answer comes from the session token when it covers the question, else from synced data.
 */
export const inOrganization = query({
  args: { orgId: v.string() },
  handler: async (ctx, { orgId }) => ({
    isAdmin: await clerk.has(ctx, { role: "org:admin" }, { orgId }),
    canReadReports: await clerk.has(ctx, { permission: "org:reports:read" }, { orgId }),
    onProPlan: await clerk.has(ctx, { plan: "o:pro" }, { orgId }),
    canExport: await clerk.has(ctx, { feature: "o:export" }, { orgId }),
  }),
});

/** The signed-in user's own plan and features, and a role in the session's active organization. */
export const mine = query({
  args: {},
  handler: async (ctx) => ({
    onProPlan: await clerk.has(ctx, { plan: "u:pro" }),
    hasAiFeature: await clerk.has(ctx, { feature: "u:ai" }),
    adminOfActiveOrganization: await clerk.has(ctx, { role: "org:admin" }),
  }),
});
