import { useSyncedUser } from "convex-clerk-sync/react";
import { api } from "../convex/_generated/api";

/**
 * The signed-in user's account. Rendered under Clerk's and Convex's providers:
 *
 * ```tsx
 * <ClerkProvider publishableKey={key}>
 *   <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
 *     <Account />
 *   </ConvexProviderWithClerk>
 * </ClerkProvider>
 * ```
 *
 * Right after sign-up it shows "Setting up your account…" until the webhook or `ensureMe` stored the user.
 */
export function Account() {
  const { status, user, error } = useSyncedUser(api.users.me, api.users.ensureMe);
  switch (status) {
    case "signedOut":
      return <p>Sign in to see your account.</p>;
    case "loading":
      return <p>Loading…</p>;
    case "syncing":
      return <p>Setting up your account…</p>;
    case "error":
      return <p role="alert">Could not set up your account: {error.message}</p>;
    case "ready":
      return (
        <section>
          <h2>{user.name}</h2>
          {user.email && <p>{user.email}</p>}
          {user.role === "admin" && <p>Administrator</p>}
        </section>
      );
  }
}
