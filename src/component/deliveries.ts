import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { scheduleSweepIfDue } from "./retention.js";
import { applyUserDeletion, applyUserSnapshot } from "./users.js";
import { deliveryOutcome, userEvent } from "./validators.js";

/**
 * Apply one verified Clerk delivery, atomically: the dedupe record, the user row and
 * the tombstone are written together or not at all.
 */
export const apply = mutation({
  args: {
    svixId: v.string(),
    event: userEvent,
    /** A function handle to the host's hook mutation, run for real changes only. */
    onUserEvent: v.optional(v.string()),
  },
  returns: deliveryOutcome,
  handler: async (ctx, { svixId, event, onUserEvent }) => {
    const seen = await ctx.db
      .query("deliveries")
      .withIndex("by_svix_id", (q) => q.eq("svixId", svixId))
      .unique();
    if (seen) return "duplicate";

    const hooks = { onUserEvent, source: "webhook" as const };
    const change =
      event.type === "user.deleted"
        ? await applyUserDeletion(ctx, event.clerkId, hooks)
        : await applyUserSnapshot(ctx, event.user, hooks);

    await ctx.db.insert("deliveries", {
      svixId,
      eventType: event.type,
      outcome: change.outcome,
      receivedAt: Date.now(),
    });
    await scheduleSweepIfDue(ctx);
    return change.outcome;
  },
});
