import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { query } from "./_generated/server";
import { clerk } from "./clerk";

/** Members only: a page of an organization's members, their user ids and roles. */
export const list = query({
  args: { orgId: v.string(), paginationOpts: paginationOptsValidator },
  handler: async (ctx, { orgId, paginationOpts }) => {
    await clerk.requireOrgRole(ctx, orgId);
    const result = await clerk.listMembers(ctx, orgId, { paginationOpts });
    return { ...result, page: result.page.map(({ clerkId, role }) => ({ clerkId, role })) };
  },
});
