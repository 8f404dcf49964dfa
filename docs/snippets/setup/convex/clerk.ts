import { ClerkSync } from "convex-clerk-sync";
import { components, internal } from "./_generated/api";

/**
 * Reads synced users from this app's queries, mutations and actions. Its hooks run for every
 * change, whether it came from a webhook (http.ts), the backfill or syncCurrentUser.
 */
// The annotation breaks the type cycle clerk → internal → modules that import clerk.
export const clerk: ClerkSync = new ClerkSync(components.clerk, {
  onUserEvent: internal.profiles.onUserEvent,
});
