import { ClerkSync } from "convex-clerk-sync";
import { components, internal } from "./_generated/api";

// Every change to a Clerk user, from the webhook or the backfill, runs the user hook
// (users.ts), which keeps the users table in step.
// The annotation breaks the type cycle clerk → internal → modules that import clerk.
export const clerk: ClerkSync = new ClerkSync(components.clerk, {
  onUserEvent: internal.users.onUserEvent,
  // Until the first backfill has run, a user the component has not stored waits for it: a late
  // replay of a user the old code deleted does not come back.
  holdUnlistedUsers: true,
});
