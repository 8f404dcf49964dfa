import { v, type Infer } from "convex/values";
import { mutation, query, type MutationCtx } from "./_generated/server.js";
import { latestRunStatus } from "./backfill/status.js";
import { vBackfillRunStatus } from "./backfillValidators.js";
import { vClerkEvent } from "./deliveries.js";

/** How many failed deliveries `getSyncStatus` lists, and the hourly sweep keeps. */
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
  /** Svix's message id, as the request claimed it (unverified when the secret is missing): the latest one. */
  svixId: v.string(),
  eventType: v.union(v.string(), v.null()),
  reason: vFailureReason,
  /** When it last happened. */
  failedAt: v.number(),
  /** How many requests it stands for: a missing or malformed secret is one row, counted. */
  occurrences: v.number(),
};
const vDeliveryFailure = v.object(deliveryFailureFields);

/** Whether Clerk's webhook is working: no personal data, only ids, types, outcomes and times. */
export const vSyncStatus = v.object({
  /** The latest applied delivery of each event type, within the 30-day dedupe window. */
  lastApplied: v.array(v.object({ eventType: v.string(), outcome: v.string(), appliedAt: v.number() })),
  /** The latest deliveries that could not be applied, newest first. */
  recentFailures: v.array(vDeliveryFailure),
  /** The latest backfill run (`done`, `incomplete`, `canceled` or still `running`); null before the first. */
  backfill: v.union(vBackfillRunStatus, v.null()),
});
export type SyncStatus = Infer<typeof vSyncStatus>;

/** Every event type a delivery can be applied for: the literals of the delivery validator. */
const SYNCED_EVENT_TYPES: string[] = vClerkEvent.members.flatMap(({ fields: { type } }) =>
  type.kind === "literal" ? [type.value] : type.members.map((member) => member.value),
);

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
      backfill: await latestRunStatus(ctx),
      lastApplied,
      recentFailures: failures.map(({ svixId, eventType, reason, failedAt, occurrences }) => ({
        svixId,
        eventType,
        reason,
        failedAt,
        occurrences,
      })),
    };
  },
});

/**
 * Record a delivery that could not be applied; runs only on that failure path. A signed
 * delivery that failed is inserted and reads nothing, so concurrent failures do not conflict.
 * A missing or malformed secret, which any unsigned request can trigger, updates one row per
 * reason, so a flood of requests cannot grow storage.
 */
export const recordFailure = mutation({
  args: { svixId: v.string(), eventType: v.union(v.string(), v.null()), reason: vFailureReason },
  returns: v.null(),
  handler: async (ctx, { svixId, eventType, reason }) => {
    // A request can claim any svix-id: nothing here is trusted to be short.
    const failure = { svixId: svixId.slice(0, 100), eventType: eventType && eventType.slice(0, 100), reason };
    const failedAt = Date.now();
    if (reason === "apply_failed") {
      await ctx.db.insert("deliveryFailures", { ...failure, failedAt, occurrences: 1 });
      return null;
    }
    const existing = await ctx.db
      .query("deliveryFailures")
      .withIndex("by_reason", (q) => q.eq("reason", reason))
      .first();
    if (existing) {
      await ctx.db.patch("deliveryFailures", existing._id, {
        ...failure,
        failedAt,
        occurrences: existing.occurrences + 1,
      });
    } else {
      await ctx.db.insert("deliveryFailures", { ...failure, failedAt, occurrences: 1 });
    }
    return null;
  },
});

/** Keep the newest `MAX_FAILURES_KEPT` failures (for the hourly sweep); answers how many were deleted. */
export async function trimFailures(ctx: MutationCtx, batch: number): Promise<number> {
  const rows = await ctx.db
    .query("deliveryFailures")
    .withIndex("by_failed_at")
    .order("desc")
    .take(MAX_FAILURES_KEPT + batch);
  const beyond = rows.slice(MAX_FAILURES_KEPT);
  for (const row of beyond) await ctx.db.delete("deliveryFailures", row._id);
  return beyond.length;
}
