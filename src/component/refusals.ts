// Requests refused for their signature (a wrong signing secret, or forged requests): counted per
// 5-minute window, with no body, svix-id or address kept. Only refused requests write here, so a
// delivery that verifies never touches these rows; a flood updates one row per window.
import { v } from "convex/values";
import { mutation, type QueryCtx } from "./_generated/server.js";

export const REFUSAL_WINDOW_MS = 5 * 60 * 1000;
/** A day of windows is kept; older ones are deleted as new ones are written. */
export const REFUSAL_WINDOWS_KEPT = 288;

export const refusalFields = {
  /** The window's start (ms, a multiple of 5 minutes). */
  windowStart: v.number(),
  /** Requests refused in it. */
  count: v.number(),
  /** The latest of them. */
  lastAt: v.number(),
};

/** Count one request whose signature did not verify. */
export const record = mutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    const now = Date.now();
    const windowStart = now - (now % REFUSAL_WINDOW_MS);
    const row = await ctx.db
      .query("signatureRefusals")
      .withIndex("by_window", (q) => q.eq("windowStart", windowStart))
      .unique();
    if (row) {
      await ctx.db.patch("signatureRefusals", row._id, { count: row.count + 1, lastAt: now });
      return null;
    }
    await ctx.db.insert("signatureRefusals", { windowStart, count: 1, lastAt: now });
    const expired = await ctx.db
      .query("signatureRefusals")
      .withIndex("by_window", (q) => q.lt("windowStart", windowStart - REFUSAL_WINDOWS_KEPT * REFUSAL_WINDOW_MS))
      .take(4);
    for (const old of expired) await ctx.db.delete("signatureRefusals", old._id);
    return null;
  },
});

/** Requests refused after `since` (counted by window, so from the window `since` falls in), and the first and last. */
export async function refusalsSince(ctx: QueryCtx, since: number) {
  const rows = await ctx.db
    .query("signatureRefusals")
    .withIndex("by_window", (q) => q.gte("windowStart", since - REFUSAL_WINDOW_MS))
    .take(REFUSAL_WINDOWS_KEPT);
  const after = rows.filter((row) => row.lastAt > since);
  return {
    count: after.reduce((sum, row) => sum + row.count, 0),
    firstWindow: after[0]?.windowStart ?? null,
    lastAt: after.at(-1)?.lastAt ?? null,
  };
}
