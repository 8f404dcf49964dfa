import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalAction, internalMutation } from "./_generated/server";
import { clerk } from "./clerk";
import { usersMirror } from "./users";

type PruneTotals = { pruned: number; alreadyDeleted: number; unknown: number };

/**
 * `npx convex run clerkMigration:pruneUsers` once, when the backfill is done: removes the rows
 * of users Clerk deleted after the switch but before the backfill reached them, page by page to
 * the end of the table, and answers the totals. Delete this file afterwards.
 */
export const pruneUsers = internalAction({
  args: {},
  handler: async (ctx): Promise<PruneTotals> => {
    const totals: PruneTotals = { pruned: 0, alreadyDeleted: 0, unknown: 0 };
    let cursor: string | null = null;
    for (let isDone = false; !isDone;) {
      const page: PrunePage = await ctx.runMutation(internal.clerkMigration.prunePage, { cursor });
      totals.pruned += page.pruned;
      totals.alreadyDeleted += page.alreadyDeleted;
      totals.unknown += page.unknown;
      ({ isDone, cursor } = page);
    }
    return totals;
  },
});

type PrunePage = PruneTotals & { isDone: boolean; cursor: string };

/** One page of the prune, in one mutation. */
export const prunePage = internalMutation({
  args: { cursor: v.union(v.string(), v.null()) },
  handler: async (ctx, { cursor }): Promise<PrunePage> => {
    const page = await usersMirror.prune(ctx, clerk, { cursor, numItems: 100 });
    for (const clerkId of page.unknown) {
      console.warn(`users: ${clerkId} was never synced from Clerk; look it up in Clerk's dashboard`);
    }
    const { pruned, alreadyDeleted, isDone, continueCursor } = page;
    return { pruned, alreadyDeleted, unknown: page.unknown.length, isDone, cursor: continueCursor };
  },
});
