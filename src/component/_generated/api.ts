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
import type * as backfill_billingPlans from "../backfill/billingPlans.js";
import type * as backfill_coverage from "../backfill/coverage.js";
import type * as backfill_history from "../backfill/history.js";
import type * as backfill_invitations from "../backfill/invitations.js";
import type * as backfill_list from "../backfill/list.js";
import type * as backfill_memberships from "../backfill/memberships.js";
import type * as backfill_organizations from "../backfill/organizations.js";
import type * as backfill_paging from "../backfill/paging.js";
import type * as backfill_permissions from "../backfill/permissions.js";
import type * as backfill_reconcile from "../backfill/reconcile.js";
import type * as backfill_roles from "../backfill/roles.js";
import type * as backfill_run from "../backfill/run.js";
import type * as backfill_source from "../backfill/source.js";
import type * as backfill_sources from "../backfill/sources.js";
import type * as backfill_status from "../backfill/status.js";
import type * as backfill_subscriptionItems from "../backfill/subscriptionItems.js";
import type * as backfill_users from "../backfill/users.js";
import type * as backfillValidators from "../backfillValidators.js";
import type * as billing from "../billing.js";
import type * as changes from "../changes.js";
import type * as crons from "../crons.js";
import type * as deliveries from "../deliveries.js";
import type * as failures from "../failures.js";
import type * as graceStores from "../graceStores.js";
import type * as heal from "../heal.js";
import type * as health from "../health.js";
import type * as healthRules from "../healthRules.js";
import type * as healthWords from "../healthWords.js";
import type * as heartbeat from "../heartbeat.js";
import type * as heartbeatRecords from "../heartbeatRecords.js";
import type * as heartbeatRules from "../heartbeatRules.js";
import type * as invitations from "../invitations.js";
import type * as memberships from "../memberships.js";
import type * as organizations from "../organizations.js";
import type * as records from "../records.js";
import type * as refusals from "../refusals.js";
import type * as repairsRule from "../repairsRule.js";
import type * as retention from "../retention.js";
import type * as roles from "../roles.js";
import type * as signUpFallbacks from "../signUpFallbacks.js";
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
  "backfill/billingPlans": typeof backfill_billingPlans;
  "backfill/coverage": typeof backfill_coverage;
  "backfill/history": typeof backfill_history;
  "backfill/invitations": typeof backfill_invitations;
  "backfill/list": typeof backfill_list;
  "backfill/memberships": typeof backfill_memberships;
  "backfill/organizations": typeof backfill_organizations;
  "backfill/paging": typeof backfill_paging;
  "backfill/permissions": typeof backfill_permissions;
  "backfill/reconcile": typeof backfill_reconcile;
  "backfill/roles": typeof backfill_roles;
  "backfill/run": typeof backfill_run;
  "backfill/source": typeof backfill_source;
  "backfill/sources": typeof backfill_sources;
  "backfill/status": typeof backfill_status;
  "backfill/subscriptionItems": typeof backfill_subscriptionItems;
  "backfill/users": typeof backfill_users;
  backfillValidators: typeof backfillValidators;
  billing: typeof billing;
  changes: typeof changes;
  crons: typeof crons;
  deliveries: typeof deliveries;
  failures: typeof failures;
  graceStores: typeof graceStores;
  heal: typeof heal;
  health: typeof health;
  healthRules: typeof healthRules;
  healthWords: typeof healthWords;
  heartbeat: typeof heartbeat;
  heartbeatRecords: typeof heartbeatRecords;
  heartbeatRules: typeof heartbeatRules;
  invitations: typeof invitations;
  memberships: typeof memberships;
  organizations: typeof organizations;
  records: typeof records;
  refusals: typeof refusals;
  repairsRule: typeof repairsRule;
  retention: typeof retention;
  roles: typeof roles;
  signUpFallbacks: typeof signUpFallbacks;
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
