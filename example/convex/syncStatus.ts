import type { SyncStatus } from "convex-clerk-sync";
import { internalQuery } from "./_generated/server";
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
