import { ClerkSync } from "convex-clerk-sync";
import { components } from "./_generated/api";

// Clerk's Frontend API URL, for a deployment without CLERK_FRONTEND_API_URL.
export const clerk: ClerkSync = new ClerkSync(components.clerk, {
  issuer: "https://clerk.example.com",
});
