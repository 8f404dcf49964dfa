import type { AuthConfig } from "convex/server";
import { clerkAuthProvider } from "convex-clerk-sync";

export default {
  providers: [
    clerkAuthProvider(),
    // A service's own tokens: accepted by Convex, signed out for ClerkSync.
    {
      type: "customJwt",
      issuer: "https://auth.internal.example.com",
      jwks: "https://auth.internal.example.com/.well-known/jwks.json",
      algorithm: "RS256",
      applicationID: "internal-service",
    },
  ],
} satisfies AuthConfig;
