import { v } from "convex/values";
import {
  ClerkBackfill,
  vBackfillMode,
  type BackfillRunStatus,
  type BackfillStart,
  type BackfillWatermark,
} from "convex-clerk-sync/backfill";
import { internal } from "./_generated/api";
import { internalMutation, internalQuery } from "./_generated/server";
import { clerk } from "./clerk";

// Pages through Clerk's users (then organizations, memberships, invitations, permissions and
// roles on full passes) with CLERK_SECRET_KEY (read at each step, never stored). 50 requests
// per 10 s suits a development instance; production allows 1000. An instance with Clerk
// Billing adds `billing: true` (plans' features and subscription items).
const backfill = new ClerkBackfill(clerk, { requestsPer10Seconds: 50, organizations: true });

/** Run by the scheduler, one page per call. */
export const step = backfill.step;

/**
 * `npx convex run backfill:start` (a full pass) or `backfill:start '{"mode":"incremental"}'`
 * (the users changed since the last completed pass): starts a pass, or answers with the one running.
 */
export const start = internalMutation({
  args: { mode: v.optional(vBackfillMode) },
  handler: (ctx, { mode }): Promise<BackfillStart> => backfill.start(ctx, internal.backfill.step, { mode }),
});

/** `npx convex run backfill:status`: progress of the latest run. */
export const status = internalQuery({
  args: {},
  handler: (ctx): Promise<BackfillRunStatus | null> => backfill.status(ctx),
});

/** `npx convex run backfill:watermark`: where the next incremental pass starts. */
export const watermark = internalQuery({
  args: {},
  handler: (ctx): Promise<BackfillWatermark | null> => backfill.watermark(ctx),
});

/** `npx convex run backfill:cancel` */
export const cancel = internalMutation({
  args: {},
  handler: (ctx): Promise<BackfillRunStatus | null> => backfill.cancel(ctx),
});
