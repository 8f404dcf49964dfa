import { ClerkSync } from "convex-clerk-sync";
import { components } from "./_generated/api";

/** Reads synced users from this app's queries, mutations and actions. */
export const clerk = new ClerkSync(components.clerk);
