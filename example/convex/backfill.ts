import { ClerkBackfill, type BackfillRunStatus, type BackfillStart } from "convex-clerk-sync/backfill";
import { internal } from "./_generated/api";
import { internalMutation, internalQuery } from "./_generated/server";
import { clerk } from "./clerk";

// Pages through Clerk's users, then organizations and memberships, with CLERK_SECRET_KEY
// (read at each step, never stored). 50 requests per 10 s suits a development instance;
// production allows 1000.
const backfill = new ClerkBackfill(clerk, { requestsPer10Seconds: 50, organizations: true });

/** Run by the scheduler, one page per call. */
export const step = backfill.step;

/** `npx convex run backfill:start`: starts a run, or answers with the one running. */
export const start = internalMutation({
  args: {},
  handler: (ctx): Promise<BackfillStart> => backfill.start(ctx, internal.backfill.step),
});

/** `npx convex run backfill:status`: progress of the latest run. */
export const status = internalQuery({
  args: {},
  handler: (ctx): Promise<BackfillRunStatus | null> => backfill.status(ctx),
});

/** `npx convex run backfill:cancel` */
export const cancel = internalMutation({
  args: {},
  handler: (ctx): Promise<BackfillRunStatus | null> => backfill.cancel(ctx),
});
