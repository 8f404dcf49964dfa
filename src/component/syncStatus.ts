import { v, type Infer } from "convex/values";
import { mutation, query } from "./_generated/server.js";

/** How many failed deliveries are kept; older ones make room. */
export const MAX_FAILURES_KEPT = 50;

/** Why a delivery could not be applied. */
export const vFailureReason = v.union(
  /** The deployment has no `CLERK_WEBHOOK_SECRET`. */
  v.literal("no_signing_secret"),
  /** `CLERK_WEBHOOK_SECRET` is not a signing secret (`whsec_…`). */
  v.literal("malformed_signing_secret"),
  /** Applying it failed (a lifecycle hook threw, a limit was hit): Svix retries it. */
  v.literal("apply_failed"),
);
export type FailureReason = Infer<typeof vFailureReason>;

export const deliveryFailureFields = {
  /** Svix's message id, as the request claimed it (unverified when the secret is missing). */
  svixId: v.string(),
  eventType: v.union(v.string(), v.null()),
  reason: vFailureReason,
  failedAt: v.number(),
};
const vDeliveryFailure = v.object(deliveryFailureFields);

/** Whether Clerk's webhook is working: no personal data, only ids, types, outcomes and times. */
export const vSyncStatus = v.object({
  /** The latest applied delivery of each event type, within the 30-day dedupe window. */
  lastApplied: v.array(v.object({ eventType: v.string(), outcome: v.string(), appliedAt: v.number() })),
  /** The latest deliveries that could not be applied, newest first. */
  recentFailures: v.array(vDeliveryFailure),
});
export type SyncStatus = Infer<typeof vSyncStatus>;

/** The event types a delivery can be applied for, as the deliveries table records them. */
const SYNCED_EVENT_TYPES = [
  "user.created",
  "user.updated",
  "user.deleted",
  "organization.created",
  "organization.updated",
  "organization.deleted",
  "organizationMembership.created",
  "organizationMembership.updated",
  "organizationMembership.deleted",
];

export const get = query({
  args: {},
  returns: vSyncStatus,
  handler: async (ctx) => {
    const lastApplied = [];
    for (const eventType of SYNCED_EVENT_TYPES) {
      const latest = await ctx.db
        .query("deliveries")
        .withIndex("by_event_type", (q) => q.eq("eventType", eventType))
        .order("desc")
        .first();
      if (latest) lastApplied.push({ eventType, outcome: latest.outcome, appliedAt: latest.receivedAt });
    }
    const failures = await ctx.db
      .query("deliveryFailures")
      .withIndex("by_failed_at")
      .order("desc")
      .take(MAX_FAILURES_KEPT);
    return {
      lastApplied,
      recentFailures: failures.map(({ svixId, eventType, reason, failedAt }) => ({
        svixId,
        eventType,
        reason,
        failedAt,
      })),
    };
  },
});

/**
 * Record a delivery that could not be applied. Runs only on that failure path, never for a
 * delivery that is applied, and keeps the newest `MAX_FAILURES_KEPT` rows.
 */
export const recordFailure = mutation({
  args: { svixId: v.string(), eventType: v.union(v.string(), v.null()), reason: vFailureReason },
  returns: v.null(),
  handler: async (ctx, { svixId, eventType, reason }) => {
    // Bounded: a request can claim any svix-id, so nothing here is trusted to be short.
    await ctx.db.insert("deliveryFailures", {
      svixId: svixId.slice(0, 100),
      eventType: eventType && eventType.slice(0, 100),
      reason,
      failedAt: Date.now(),
    });
    const beyondCap = await ctx.db
      .query("deliveryFailures")
      .withIndex("by_failed_at")
      .order("desc")
      .take(MAX_FAILURES_KEPT + 10);
    for (const row of beyondCap.slice(MAX_FAILURES_KEPT)) await ctx.db.delete("deliveryFailures", row._id);
    return null;
  },
});
