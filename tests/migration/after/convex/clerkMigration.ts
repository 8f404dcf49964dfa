import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation } from "./_generated/server";
import { clerk } from "./clerk";
import { usersMirror } from "./users";

/**
 * `npx convex run clerkMigration:pruneUsers` once, when the backfill is done: removes the rows
 * of users Clerk deleted after the switch but before the backfill reached them. Delete this
 * file afterwards.
 */
export const pruneUsers = internalMutation({
  args: { cursor: v.optional(v.string()) },
  handler: async (ctx, { cursor }) => {
    const page = await usersMirror.prune(ctx, clerk, { cursor: cursor ?? null, numItems: 100 });
    for (const clerkId of page.unknown) {
      console.warn(`users: ${clerkId} was never synced from Clerk; look it up in Clerk's dashboard`);
    }
    if (!page.isDone) {
      await ctx.scheduler.runAfter(0, internal.clerkMigration.pruneUsers, { cursor: page.continueCursor });
    }
    return { pruned: page.pruned, unknown: page.unknown.length };
  },
});
