import { ClerkBackfill, type BackfillRunStatus, type BackfillStart } from "convex-clerk-sync/backfill";
import { internal } from "./_generated/api";
import { internalMutation, internalQuery } from "./_generated/server";
import { clerk } from "./clerk";

// Pages through Clerk's users with CLERK_SECRET_KEY; each user runs the user hook.
const backfill = new ClerkBackfill(clerk, { requestsPer10Seconds: 50 });

/** Run by the scheduler, one page per call. */
export const step = backfill.step;

/** `npx convex run backfill:start`: a full pass. */
export const start = internalMutation({
  args: {},
  handler: (ctx): Promise<BackfillStart> => backfill.start(ctx, internal.backfill.step),
});

/** `npx convex run backfill:status`: progress of the latest pass. */
export const status = internalQuery({
  args: {},
  handler: (ctx): Promise<BackfillRunStatus | null> => backfill.status(ctx),
});
