/// <reference types="vite/client" />
import { convexTest } from "./support/convexRules";
import clerkTest from "convex-clerk-sync/test";
import rateLimiterTest from "@convex-dev/rate-limiter/test";
import schema from "../example/convex/schema";
import { SECRET } from "./support/app";

export const modules = import.meta.glob("../example/convex/**/*.*s");

export { deliver, inComponent, SECRET, WEBHOOK_PATH } from "./support/app";
/** Clerk's issuer for the example app (its Frontend API URL): identities in tests carry it. */
export const ISSUER = "https://verb-noun-00.clerk.accounts.dev";

type ModuleMap = Record<string, () => Promise<unknown>>;

/**
 * The example app with its components registered, as a host app's tests set it up, under the
 * convex-rules layer. `replaced` swaps or adds app modules (path → loader), e.g. a router whose
 * hooks record each call.
 */
export function initConvexTest(replaced: ModuleMap = {}) {
  process.env.CLERK_WEBHOOK_SECRET = SECRET;
  // Clerk's name for the variable wins over CLERK_WEBHOOK_SECRET: none is left from another test.
  delete process.env.CLERK_WEBHOOK_SIGNING_SECRET;
  process.env.CLERK_FRONTEND_API_URL = ISSUER;
  const t = convexTest(schema, { ...modules, ...replaced });
  clerkTest.register(t);
  rateLimiterTest.register(t);
  return t;
}

export type TestApp = ReturnType<typeof initConvexTest>;

/** The example's router swapped for one whose hooks record each call in `profiles` (support/recordingHooks.ts). */
export const RECORDING_HOOKS: ModuleMap = {
  "../example/convex/http.ts": () => import("./support/recordingHttp"),
  "../example/convex/recordingHooks.ts": () => import("./support/recordingHooks"),
};

export { logs } from "./support/logs";
