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
import type * as backfillValidators from "../backfillValidators.js";
import type * as billing from "../billing.js";
import type * as changes from "../changes.js";
import type * as crons from "../crons.js";
import type * as deliveries from "../deliveries.js";
import type * as failures from "../failures.js";
import type * as invitations from "../invitations.js";
import type * as memberships from "../memberships.js";
import type * as organizations from "../organizations.js";
import type * as records from "../records.js";
import type * as retention from "../retention.js";
import type * as roles from "../roles.js";
import type * as snapshots from "../snapshots.js";
import type * as syncStatus from "../syncStatus.js";
import type * as tombstones from "../tombstones.js";
import type * as users from "../users.js";
import type * as writeThrough from "../writeThrough.js";

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import { anyApi, componentsGeneric } from "convex/server";

const fullApi: ApiFromModules<{
  backfill: typeof backfill;
  backfillValidators: typeof backfillValidators;
  billing: typeof billing;
  changes: typeof changes;
  crons: typeof crons;
  deliveries: typeof deliveries;
  failures: typeof failures;
  invitations: typeof invitations;
  memberships: typeof memberships;
  organizations: typeof organizations;
  records: typeof records;
  retention: typeof retention;
  roles: typeof roles;
  snapshots: typeof snapshots;
  syncStatus: typeof syncStatus;
  tombstones: typeof tombstones;
  users: typeof users;
  writeThrough: typeof writeThrough;
}> = anyApi as any;

/**
 * A utility for referencing Convex functions in your app's public API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
export const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
> = anyApi as any;

/**
 * A utility for referencing Convex functions in your app's internal API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = internal.myModule.myFunction;
 * ```
 */
export const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
> = anyApi as any;

export const components = componentsGeneric() as unknown as {};
