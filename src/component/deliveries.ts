import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { scheduleSweepIfDue } from "./retention.js";
import type { MutationCtx } from "./_generated/server.js";
import type { Hooks } from "./hooks.js";
import {
  applyMembershipDeletion,
  applyMembershipSnapshot,
  applyOrganizationDeletion,
  applyOrganizationSnapshot,
} from "./organizations.js";
import { applyUserDeletion, applyUserSnapshot } from "./users.js";
import { clerkEvent, deliveryOutcome, type Change, type ClerkEvent } from "./validators.js";

/**
 * Apply one verified Clerk delivery, atomically: the dedupe record, the row, the
 * tombstone and the host's hooks are written together or not at all.
 */
export const apply = mutation({
  args: {
    svixId: v.string(),
    event: clerkEvent,
    /** Function handles to the host's hook mutations, run for real changes only. */
    onUserEvent: v.optional(v.string()),
    onOrganizationEvent: v.optional(v.string()),
  },
  returns: deliveryOutcome,
  handler: async (ctx, { svixId, event, onUserEvent, onOrganizationEvent }) => {
    const seen = await ctx.db
      .query("deliveries")
      .withIndex("by_svix_id", (q) => q.eq("svixId", svixId))
      .unique();
    if (seen) return "duplicate";

    const change = await applyEvent(ctx, event, { source: "webhook", onUserEvent, onOrganizationEvent });

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

function applyEvent(ctx: MutationCtx, event: ClerkEvent, hooks: Hooks): Promise<Change> {
  switch (event.type) {
    case "user.created":
    case "user.updated":
      return applyUserSnapshot(ctx, event.user, hooks);
    case "user.deleted":
      return applyUserDeletion(ctx, event.clerkId, hooks);
    case "organization.created":
    case "organization.updated":
      return applyOrganizationSnapshot(ctx, event.organization, hooks);
    case "organization.deleted":
      return applyOrganizationDeletion(ctx, event.orgId, hooks);
    case "organizationMembership.created":
    case "organizationMembership.updated":
      return applyMembershipSnapshot(ctx, event.membership, event.organization, hooks);
    case "organizationMembership.deleted":
      return applyMembershipDeletion(ctx, event.membershipId, hooks);
  }
}
