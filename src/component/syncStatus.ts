import { v, type Infer } from "convex/values";
import { mutation, query } from "./_generated/server.js";
import { latestRunStatus } from "./backfill/status.js";
import { vBackfillRunStatus } from "./backfillValidators.js";
import { vClerkEvent } from "./deliveries.js";
import {
  detailOf,
  MAX_FAILURES_KEPT,
  recordFailure as insertFailure,
  vDeliveryFailure,
  vFailureReason,
} from "./failures.js";

export type { FailureReason } from "./failures.js";

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
      recentFailures: await Promise.all(
        failures.map(async ({ _id, svixId, eventType, reason, failedAt, occurrences }) => {
          const detail = reason === "mirror_duplicate_rows" ? await detailOf(ctx, _id) : null;
          return { svixId, eventType, reason, failedAt, occurrences, ...(detail && { detail: detail.detail }) };
        }),
      ),
    };
  },
});

/**
 * Record a delivery that could not be applied; runs only on that failure path (see
 * failures.ts for which reasons are inserted and which are counted on one row).
 */
export const recordFailure = mutation({
  args: { svixId: v.string(), eventType: v.union(v.string(), v.null()), reason: vFailureReason },
  returns: v.null(),
  handler: async (ctx, failure) => {
    await insertFailure(ctx, failure);
    return null;
  },
});
