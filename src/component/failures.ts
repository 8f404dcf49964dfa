import { v, type Infer } from "convex/values";
import type { Id } from "./_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "./_generated/server.js";

// Deliveries that could not be applied, for `getSyncStatus`: the one place that writes and trims them.

/** How many failed deliveries `getSyncStatus` lists, and the hourly sweep keeps. */
export const MAX_FAILURES_KEPT = 50;

/** Why a delivery could not be applied. */
export const vFailureReason = v.union(
  /** The deployment has no signing secret (`CLERK_WEBHOOK_SIGNING_SECRET`, `CLERK_WEBHOOK_SECRET`): answered 500, Svix retries. */
  v.literal("no_signing_secret"),
  /** A signing secret on the deployment is not `whsec_` + base64: answered 500, Svix retries. */
  v.literal("malformed_signing_secret"),
  /** Applying it failed (a lifecycle hook threw): answered 500, Svix retries. */
  v.literal("apply_failed"),
  /** Signed, but not JSON or not a Clerk event: answered 400, Svix told not to retry. */
  v.literal("invalid_payload"),
  /**
   * Signed, but over what Convex can hold (a row over 1 MiB, or more than a function's 16 MiB
   * of arguments): answered 422, Svix told not to retry.
   */
  v.literal("too_large"),
  /**
   * Applied to the component, but the host's user hook (`mirrorUsers`) found several rows of its
   * table for the user and wrote none (`detail` names them): answered 2xx, since no retry could
   * apply it before the rows are merged. `svixId` is empty when a backfill pass made the change.
   */
  v.literal("mirror_duplicate_rows"),
);
export type FailureReason = Infer<typeof vFailureReason>;

/** A delivery that could not be applied, as `deliveryFailures` stores it and `getSyncStatus` lists it. */
export const deliveryFailureFields = {
  /** Svix's message id, as the request claimed it (unverified when the secret is missing): the latest one. */
  svixId: v.string(),
  eventType: v.union(v.string(), v.null()),
  reason: vFailureReason,
  /** When it last happened. */
  failedAt: v.number(),
  /**
   * How many requests it stands for: a missing or malformed secret is one row, counting the
   * requests since a delivery was last applied.
   */
  occurrences: v.number(),
};
/**
 * What the host said when its hook refused a change (the duplicate rows' ids), cut to
 * `MAX_DETAIL_LENGTH`: a table of its own, since an optional field on `deliveryFailures` makes the
 * component's data model fail a host's compile under `exactOptionalPropertyTypes`.
 */
export const failureDetailFields = { failureId: v.id("deliveryFailures"), detail: v.string() };
/** One row of `getSyncStatus`'s `recentFailures`. */
export const vDeliveryFailure = v.object({ ...deliveryFailureFields, detail: v.optional(v.string()) });

/** How much of a hook's message a failure keeps. */
export const MAX_DETAIL_LENGTH = 1000;

/** Reasons any request can cause, signed or not: one row each, counted, so a flood cannot grow storage. */
const COUNTED_REASONS: ReadonlySet<FailureReason> = new Set(["no_signing_secret", "malformed_signing_secret"]);

/**
 * Record a delivery that could not be applied. A signed delivery's failure is inserted and
 * reads nothing, so concurrent failures do not conflict (Svix's retries bound how many one
 * message makes; the hourly sweep keeps the newest). A missing or malformed secret updates
 * its one row, whose `occurrences` count the requests since a delivery was last applied (so
 * "the last 50 deliveries failed" stays true once the secret was set and lost again).
 */
export async function recordFailure(
  ctx: MutationCtx,
  {
    svixId,
    eventType,
    reason,
    detail,
  }: { svixId: string; eventType: string | null; reason: FailureReason; detail?: string },
): Promise<void> {
  // A request can claim any svix-id: nothing here is trusted to be short.
  const failure = { svixId: svixId.slice(0, 100), eventType: eventType && eventType.slice(0, 100), reason };
  const failedAt = Date.now();
  const existing = COUNTED_REASONS.has(reason)
    ? await ctx.db
        .query("deliveryFailures")
        .withIndex("by_reason", (q) => q.eq("reason", reason))
        .first()
    : null;
  if (existing) {
    const applied = await ctx.db.query("deliveries").withIndex("by_received_at").order("desc").first();
    const since = applied !== null && applied.receivedAt > existing.failedAt ? 0 : existing.occurrences;
    await ctx.db.patch("deliveryFailures", existing._id, { ...failure, failedAt, occurrences: since + 1 });
  } else {
    const failureId = await ctx.db.insert("deliveryFailures", { ...failure, failedAt, occurrences: 1 });
    if (detail !== undefined) {
      await ctx.db.insert("failureDetails", { failureId, detail: detail.slice(0, MAX_DETAIL_LENGTH) });
    }
  }
}

/** Keep the newest `MAX_FAILURES_KEPT` failures (for the hourly sweep); answers how many were deleted. */
export async function trimFailures(ctx: MutationCtx, batch: number): Promise<number> {
  const rows = await ctx.db
    .query("deliveryFailures")
    .withIndex("by_failed_at")
    .order("desc")
    .take(MAX_FAILURES_KEPT + batch);
  const beyond = rows.slice(MAX_FAILURES_KEPT);
  for (const row of beyond) {
    if (row.reason === "mirror_duplicate_rows") {
      const detail = await detailOf(ctx, row._id);
      if (detail) await ctx.db.delete("failureDetails", detail._id);
    }
    await ctx.db.delete("deliveryFailures", row._id);
  }
  return beyond.length;
}

/** The detail row of a failure, if it has one. */
export function detailOf(ctx: QueryCtx, failureId: Id<"deliveryFailures">) {
  return ctx.db
    .query("failureDetails")
    .withIndex("by_failure_id", (q) => q.eq("failureId", failureId))
    .first();
}
