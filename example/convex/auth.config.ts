import type { AuthConfig } from "convex/server";
import { clerkAuthProvider } from "convex-clerk-sync";

// Clerk's Convex integration: session tokens carry aud "convex", issued by the Frontend API URL
// set on the deployment as CLERK_FRONTEND_API_URL (CLERK_JWT_ISSUER_DOMAIN is read if it is not).
export default {
  providers: [clerkAuthProvider()],
} satisfies AuthConfig;
