import { vUserRecord, type UserRecord } from "../records.js";
import { applyDeletion } from "../snapshots.js";
import { userKind } from "../users.js";
import { storeEach, type BackfillSource } from "./source.js";

/**
 * Users: every pass lists them. A full pass reads Clerk's cursor, oldest first; an incremental
 * pass reads the most recently updated first, by offset, and stops at its watermark.
 */
export const userSource: BackfillSource<UserRecord, "users"> = {
  kind: "users",
  item: vUserRecord,
  incremental: true,
  listing: (run) => (run.mode === "full" ? { paging: "cursor" } : { paging: "offset", descending: true }),
  entry: (user, run) => ({ id: user.clerkId, key: run.mode === "full" ? user.createdAt : user.updatedAt }),
  // Past the watermark: nothing older changed since the last completed pass.
  cut: (run, users) => {
    const since = run.updatedSince ?? 0;
    const kept = users.filter((user) => user.updatedAt >= since);
    return { items: kept, ended: kept.length < users.length };
  },
  store: (ctx, run, users, tally) => storeEach(ctx, run, userKind, users, tally),
  reconcile: {
    scan: async (ctx, after, n) => {
      const rows = await ctx.db
        .query("users")
        .withIndex("by_clerk_id", (q) => (after === null ? q : q.gt("clerkId", after)))
        .take(n);
      return rows.map((row) => ({ candidate: { id: row.clerkId }, creationTime: row._creationTime }));
    },
    remove: (ctx, id, context) => applyDeletion(ctx, userKind, id, context),
  },
};
