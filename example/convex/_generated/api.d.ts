/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type * as backfill from "../backfill.js";
import type * as clerk from "../clerk.js";
import type * as crons from "../crons.js";
import type * as heartbeat from "../heartbeat.js";
import type * as http from "../http.js";
import type * as notes from "../notes.js";
import type * as onboarding from "../onboarding.js";
import type * as orgAdmin from "../orgAdmin.js";
import type * as profiles from "../profiles.js";
import type * as projects from "../projects.js";
import type * as syncStatus from "../syncStatus.js";
import type * as users from "../users.js";

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";

declare const fullApi: ApiFromModules<{
  backfill: typeof backfill;
  clerk: typeof clerk;
  crons: typeof crons;
  heartbeat: typeof heartbeat;
  http: typeof http;
  notes: typeof notes;
  onboarding: typeof onboarding;
  orgAdmin: typeof orgAdmin;
  profiles: typeof profiles;
  projects: typeof projects;
  syncStatus: typeof syncStatus;
  users: typeof users;
}>;

/**
 * A utility for referencing Convex functions in your app's public API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;

/**
 * A utility for referencing Convex functions in your app's internal API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = internal.myModule.myFunction;
 * ```
 */
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;

export declare const components: {
  clerk: import("convex-clerk-sync/_generated/component.js").ComponentApi<"clerk">;
  rateLimiter: import("@convex-dev/rate-limiter/_generated/component.js").ComponentApi<"rateLimiter">;
};
