import { v } from "convex/values";
import { internalMutation, internalQuery } from "./_generated/server";

/**
 * `npx convex run duplicateUsers:find`: the Clerk ids that more than one row of `users` holds,
 * with their rows, one page of the table per call (pass `cursor` back until `isDone`).
 */
export const find = internalQuery({
  args: { cursor: v.optional(v.union(v.string(), v.null())) },
  handler: async (ctx, { cursor }) => {
    const page = await ctx.db.query("users").paginate({ cursor: cursor ?? null, numItems: 500 });
    const duplicates = [];
    for (const externalId of new Set(page.page.map((user) => user.externalId))) {
      const rows = await ctx.db
        .query("users")
        .withIndex("byExternalId", (q) => q.eq("externalId", externalId))
        .collect();
      if (rows.length > 1) duplicates.push({ externalId, rows });
    }
    return { duplicates, isDone: page.isDone, cursor: page.continueCursor };
  },
});

/**
 * `npx convex run duplicateUsers:merge '{"keep": "…", "drop": ["…"]}'`: every reference to a
 * dropped row now points at the kept one, the app's own fields the kept row lacks are copied,
 * and the dropped rows are deleted.
 */
export const merge = internalMutation({
  args: { keep: v.id("users"), drop: v.array(v.id("users")) },
  handler: async (ctx, { keep, drop }) => {
    const kept = await ctx.db.get("users", keep);
    if (kept === null) throw new Error(`no row ${keep}`);
    for (const id of drop) {
      const row = await ctx.db.get("users", id);
      if (row === null || id === keep || row.externalId !== kept.externalId) {
        throw new Error(`${id} is not another row of ${kept.externalId}`);
      }
      // Each table that refers to users: here, messages.
      const messages = await ctx.db
        .query("messages")
        .withIndex("byUserId", (q) => q.eq("userId", id))
        .collect();
      for (const message of messages) await ctx.db.patch("messages", message._id, { userId: keep });
      if (kept.bio === undefined && row.bio !== undefined) await ctx.db.patch("users", keep, { bio: row.bio });
      await ctx.db.delete("users", id);
    }
  },
});
