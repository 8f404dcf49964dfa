import type { SyncHealth, SyncStatus } from "convex-clerk-sync";
import { internalAction, internalQuery } from "./_generated/server";
import { clerk } from "./clerk";

/**
 * `npx convex run syncStatus:get`: is Clerk's webhook working? When each event type was
 * last applied, and the latest deliveries that failed (no signing secret, a hook threw).
 * Internal: it holds no personal data, but it is for the app's operators only.
 */
export const get = internalQuery({
  args: {},
  handler: (ctx): Promise<SyncStatus> => clerk.getSyncStatus(ctx),
});

/**
 * `npx convex run syncStatus:health`: the verdict, `ok`, `degraded` or `silent`, with each
 * reason in words and numbers (a route that stopped, a missing secret, what the backfill
 * had to repair). Internal, like `get`.
 */
export const health = internalQuery({
  args: {},
  handler: (ctx): Promise<SyncHealth> => clerk.getSyncHealth(ctx),
});

/**
 * Run hourly by crons.ts: a warning in the deployment's logs when the webhook is not `ok`.
 * Swap the warning for an email or a Slack message: an action may `fetch`.
 */
export const warnIfUnhealthy = internalAction({
  args: {},
  handler: async (ctx): Promise<SyncHealth["verdict"]> => {
    const { verdict, reasons } = await clerk.getSyncHealth(ctx);
    if (verdict !== "ok") {
      console.warn(`Clerk's webhook is ${verdict}: ${reasons.map((reason) => reason.message).join("; ")}`);
    }
    return verdict;
  },
});
