import { ClerkSync } from "convex-clerk-sync";
import { components } from "./_generated/api";

// Deliveries log nothing; rejected requests, retried steps and errors still do.
export const clerk: ClerkSync = new ClerkSync(components.clerk, {
  logLevel: "WARN",
});
