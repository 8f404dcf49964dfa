/* eslint-disable */
/**
 * Generated `ComponentApi` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type { FunctionReference } from "convex/server";

/**
 * A utility for referencing a Convex component's exposed API.
 *
 * Useful when expecting a parameter like `components.myComponent`.
 * Usage:
 * ```ts
 * async function myFunction(ctx: QueryCtx, component: ComponentApi) {
 *   return ctx.runQuery(component.someFile.someQuery, { ...args });
 * }
 * ```
 */
export type ComponentApi<Name extends string | undefined = string | undefined> =
  {
    backfill: {
      applyPage: FunctionReference<
        "mutation",
        "internal",
        {
          runId: string;
          token: number;
          page:
            | {
                kind: "users";
                items: Array<{
                  clerkId: string;
                  email: string | null;
                  emailVerified: boolean;
                  phone: string | null;
                  username: string | null;
                  firstName: string | null;
                  lastName: string | null;
                  name: string;
                  imageUrl: string | null;
                  externalId: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                  lastSignInAt: number | null;
                  banned: boolean;
                  locked: boolean;
                }>;
              }
            | {
                kind: "organizations";
                items: Array<{
                  orgId: string;
                  name: string;
                  slug: string | null;
                  imageUrl: string | null;
                  createdBy: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                }>;
              }
            | {
                kind: "memberships";
                items: Array<{
                  membership: {
                    membershipId: string;
                    orgId: string;
                    clerkId: string | null;
                    role: string;
                    permissions: Array<string>;
                    identifier: string | null;
                    publicMetadataJson: string;
                    createdAt: number;
                    updatedAt: number;
                  };
                  organization: {
                    orgId: string;
                    name: string;
                    slug: string | null;
                    imageUrl: string | null;
                    createdBy: string | null;
                    publicMetadataJson: string;
                    createdAt: number;
                    updatedAt: number;
                  } | null;
                }>;
              }
            | {
                kind: "invitations";
                items: Array<{
                  invitationId: string;
                  orgId: string;
                  emailAddress: string;
                  role: string;
                  status: string;
                  inviterId: string | null;
                  userId: string | null;
                  publicMetadataJson: string;
                  expiresAt: number | null;
                  createdAt: number;
                  updatedAt: number;
                }>;
              }
            | {
                kind: "permissions";
                items: Array<{
                  permissionId: string;
                  key: string;
                  name: string;
                  description: string | null;
                  type: string;
                  createdAt: number;
                  updatedAt: number;
                }>;
              }
            | {
                kind: "roles";
                items: Array<{
                  role: {
                    roleId: string;
                    key: string;
                    name: string;
                    description: string | null;
                    permissions: Array<{ permissionId: string; key: string }>;
                    createdAt: number;
                    updatedAt: number;
                  };
                  permissions: Array<{
                    permissionId: string;
                    key: string;
                    name: string;
                    description: string | null;
                    type: string;
                    createdAt: number;
                    updatedAt: number;
                  }>;
                }>;
              }
            | {
                kind: "billingPlans";
                items: Array<{ planId: string; features: Array<string> }>;
              }
            | {
                kind: "subscriptionItems";
                items: Array<{
                  itemId: string;
                  subscriptionId: string | null;
                  payerId: string | null;
                  payerType: "user" | "organization" | null;
                  status: string;
                  isFreeTrial: boolean;
                  planId: string | null;
                  planSlug: string | null;
                  planName: string | null;
                  planFeatures: Array<string> | null;
                  interval: string | null;
                  periodStart: number | null;
                  periodEnd: number | null;
                  createdAt: number;
                  updatedAt: number;
                }>;
              };
          requests: number;
          total?: number;
          skip?: Array<string>;
        },
        boolean,
        Name
      >;
      applyReconcile: FunctionReference<
        "mutation",
        "internal",
        {
          runId: string;
          token: number;
          kind:
            | "users"
            | "organizations"
            | "memberships"
            | "invitations"
            | "permissions"
            | "roles"
            | "billingPlans"
            | "subscriptionItems";
          gone: Array<string>;
          nextCursor: string | null;
          requests: number;
        },
        boolean,
        Name
      >;
      cancel: FunctionReference<
        "mutation",
        "internal",
        {},
        {
          runId: string;
          status: "running" | "done" | "incomplete" | "canceled";
          mode: "full" | "incremental";
          phase:
            | "users"
            | "reconcileUsers"
            | "organizations"
            | "reconcileOrganizations"
            | "memberships"
            | "reconcileMemberships"
            | "invitations"
            | "reconcileInvitations"
            | "permissions"
            | "reconcilePermissions"
            | "roles"
            | "reconcileRoles"
            | "billingPlans"
            | "reconcileBillingPlans"
            | "subscriptionItems"
            | "reconcileSubscriptionItems";
          stages: Array<
            | "users"
            | "reconcileUsers"
            | "organizations"
            | "reconcileOrganizations"
            | "memberships"
            | "reconcileMemberships"
            | "invitations"
            | "reconcileInvitations"
            | "permissions"
            | "reconcilePermissions"
            | "roles"
            | "reconcileRoles"
            | "billingPlans"
            | "reconcileBillingPlans"
            | "subscriptionItems"
            | "reconcileSubscriptionItems"
          >;
          organizations: boolean;
          billing: boolean;
          startedAt: number;
          finishedAt: number | null;
          counts: {
            pages: number;
            requests: number;
            rewinds: number;
            byKind: {
              users: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              organizations: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              memberships: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              invitations: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              permissions: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              roles: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              billingPlans: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              subscriptionItems: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
            };
          };
          clerkTotal: number | null;
          estimatedRemaining: number | null;
          updatedSince: number | null;
          shortfalls: Array<{
            kind:
              | "users"
              | "organizations"
              | "memberships"
              | "invitations"
              | "permissions"
              | "roles"
              | "billingPlans"
              | "subscriptionItems";
            seen: number;
            clerkTotal: number;
          }>;
          pageSize: number;
          lastError: string | null;
        } | null,
        Name
      >;
      plan: FunctionReference<
        "query",
        "internal",
        { runId: string; token: number },
        | {
            step: "list";
            kind:
              | "users"
              | "organizations"
              | "memberships"
              | "invitations"
              | "permissions"
              | "roles"
              | "billingPlans"
              | "subscriptionItems";
            pageSize: number;
            position:
              | {
                  type: "cursor";
                  after: { id: string; createdAt: number } | null;
                }
              | { type: "createdSince"; createdAt: number }
              | { type: "offset"; offset: number };
            count: "always" | "ifShort" | "never";
          }
        | {
            step: "reconcile";
            kind:
              | "users"
              | "organizations"
              | "memberships"
              | "invitations"
              | "permissions"
              | "roles"
              | "billingPlans"
              | "subscriptionItems";
            candidates: Array<{
              id: string;
              orgId?: string;
              userId?: string | null;
            }>;
            nextCursor: string | null;
          }
        | null,
        Name
      >;
      retryLater: FunctionReference<
        "mutation",
        "internal",
        {
          runId: string;
          token: number;
          delayMs: number;
          error: string;
          requests: number;
          storeFailed?: boolean;
        },
        boolean,
        Name
      >;
      start: FunctionReference<
        "mutation",
        "internal",
        {
          step: string;
          hooks: {
            onUserEvent?: string;
            onOrganizationEvent?: string;
            onBillingEvent?: string;
          };
          pageSize: number;
          reconcile: boolean;
          organizations: boolean;
          billing?: boolean;
          requestsPer10Seconds: number;
          mode?: "full" | "incremental";
        },
        {
          started: boolean;
          run: {
            runId: string;
            status: "running" | "done" | "incomplete" | "canceled";
            mode: "full" | "incremental";
            phase:
              | "users"
              | "reconcileUsers"
              | "organizations"
              | "reconcileOrganizations"
              | "memberships"
              | "reconcileMemberships"
              | "invitations"
              | "reconcileInvitations"
              | "permissions"
              | "reconcilePermissions"
              | "roles"
              | "reconcileRoles"
              | "billingPlans"
              | "reconcileBillingPlans"
              | "subscriptionItems"
              | "reconcileSubscriptionItems";
            stages: Array<
              | "users"
              | "reconcileUsers"
              | "organizations"
              | "reconcileOrganizations"
              | "memberships"
              | "reconcileMemberships"
              | "invitations"
              | "reconcileInvitations"
              | "permissions"
              | "reconcilePermissions"
              | "roles"
              | "reconcileRoles"
              | "billingPlans"
              | "reconcileBillingPlans"
              | "subscriptionItems"
              | "reconcileSubscriptionItems"
            >;
            organizations: boolean;
            billing: boolean;
            startedAt: number;
            finishedAt: number | null;
            counts: {
              pages: number;
              requests: number;
              rewinds: number;
              byKind: {
                users: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                organizations: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                memberships: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                invitations: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                permissions: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                roles: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                billingPlans: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                subscriptionItems: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
              };
            };
            clerkTotal: number | null;
            estimatedRemaining: number | null;
            updatedSince: number | null;
            shortfalls: Array<{
              kind:
                | "users"
                | "organizations"
                | "memberships"
                | "invitations"
                | "permissions"
                | "roles"
                | "billingPlans"
                | "subscriptionItems";
              seen: number;
              clerkTotal: number;
            }>;
            pageSize: number;
            lastError: string | null;
          };
        },
        Name
      >;
      status: FunctionReference<
        "query",
        "internal",
        { runId?: string },
        {
          runId: string;
          status: "running" | "done" | "incomplete" | "canceled";
          mode: "full" | "incremental";
          phase:
            | "users"
            | "reconcileUsers"
            | "organizations"
            | "reconcileOrganizations"
            | "memberships"
            | "reconcileMemberships"
            | "invitations"
            | "reconcileInvitations"
            | "permissions"
            | "reconcilePermissions"
            | "roles"
            | "reconcileRoles"
            | "billingPlans"
            | "reconcileBillingPlans"
            | "subscriptionItems"
            | "reconcileSubscriptionItems";
          stages: Array<
            | "users"
            | "reconcileUsers"
            | "organizations"
            | "reconcileOrganizations"
            | "memberships"
            | "reconcileMemberships"
            | "invitations"
            | "reconcileInvitations"
            | "permissions"
            | "reconcilePermissions"
            | "roles"
            | "reconcileRoles"
            | "billingPlans"
            | "reconcileBillingPlans"
            | "subscriptionItems"
            | "reconcileSubscriptionItems"
          >;
          organizations: boolean;
          billing: boolean;
          startedAt: number;
          finishedAt: number | null;
          counts: {
            pages: number;
            requests: number;
            rewinds: number;
            byKind: {
              users: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              organizations: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              memberships: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              invitations: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              permissions: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              roles: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              billingPlans: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
              subscriptionItems: {
                seen: number;
                inserted: number;
                updated: number;
                unchanged: number;
                stale: number;
                deleted: number;
                repaired: number;
                lastMissed: number | null;
              };
            };
          };
          clerkTotal: number | null;
          estimatedRemaining: number | null;
          updatedSince: number | null;
          shortfalls: Array<{
            kind:
              | "users"
              | "organizations"
              | "memberships"
              | "invitations"
              | "permissions"
              | "roles"
              | "billingPlans"
              | "subscriptionItems";
            seen: number;
            clerkTotal: number;
          }>;
          pageSize: number;
          lastError: string | null;
        } | null,
        Name
      >;
      watermark: FunctionReference<
        "query",
        "internal",
        {},
        {
          updatedSince: number;
          runId: string;
          mode: "full" | "incremental";
        } | null,
        Name
      >;
    };
    billing: {
      getForPayer: FunctionReference<
        "query",
        "internal",
        { payerId: string },
        {
          subscription: {
            subscriptionId: string;
            payerId: string | null;
            payerType: "user" | "organization" | null;
            status: string;
            activeAt: number | null;
            pastDueAt: number | null;
            canceledAt: number | null;
            endedAt: number | null;
            createdAt: number;
            updatedAt: number;
          } | null;
          items: Array<{
            itemId: string;
            subscriptionId: string | null;
            payerId: string | null;
            payerType: "user" | "organization" | null;
            status: string;
            isFreeTrial: boolean;
            planId: string | null;
            planSlug: string | null;
            planName: string | null;
            planFeatures: Array<string> | null;
            interval: string | null;
            periodStart: number | null;
            periodEnd: number | null;
            createdAt: number;
            updatedAt: number;
          }>;
          plans: Array<string>;
          features: Array<string>;
        } | null,
        Name
      >;
    };
    deliveries: {
      apply: FunctionReference<
        "mutation",
        "internal",
        {
          svixId: string;
          event:
            | {
                type: "user.created" | "user.updated";
                user: {
                  clerkId: string;
                  email: string | null;
                  emailVerified: boolean;
                  phone: string | null;
                  username: string | null;
                  firstName: string | null;
                  lastName: string | null;
                  name: string;
                  imageUrl: string | null;
                  externalId: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                  lastSignInAt: number | null;
                  banned: boolean;
                  locked: boolean;
                };
              }
            | { type: "user.deleted"; clerkId: string }
            | {
                type: "organization.created" | "organization.updated";
                organization: {
                  orgId: string;
                  name: string;
                  slug: string | null;
                  imageUrl: string | null;
                  createdBy: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                };
              }
            | { type: "organization.deleted"; orgId: string }
            | {
                type:
                  | "organizationMembership.created"
                  | "organizationMembership.updated";
                membership: {
                  membershipId: string;
                  orgId: string;
                  clerkId: string | null;
                  role: string;
                  permissions: Array<string>;
                  identifier: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                };
                organization: {
                  orgId: string;
                  name: string;
                  slug: string | null;
                  imageUrl: string | null;
                  createdBy: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                } | null;
              }
            | { type: "organizationMembership.deleted"; membershipId: string }
            | {
                type:
                  | "organizationInvitation.created"
                  | "organizationInvitation.accepted"
                  | "organizationInvitation.revoked";
                invitation: {
                  invitationId: string;
                  orgId: string;
                  emailAddress: string;
                  role: string;
                  status: string;
                  inviterId: string | null;
                  userId: string | null;
                  publicMetadataJson: string;
                  expiresAt: number | null;
                  createdAt: number;
                  updatedAt: number;
                };
              }
            | {
                type: "role.created" | "role.updated";
                role: {
                  roleId: string;
                  key: string;
                  name: string;
                  description: string | null;
                  permissions: Array<{ permissionId: string; key: string }>;
                  createdAt: number;
                  updatedAt: number;
                };
                permissions: Array<{
                  permissionId: string;
                  key: string;
                  name: string;
                  description: string | null;
                  type: string;
                  createdAt: number;
                  updatedAt: number;
                }>;
              }
            | { type: "role.deleted"; roleId: string }
            | {
                type: "permission.created" | "permission.updated";
                permission: {
                  permissionId: string;
                  key: string;
                  name: string;
                  description: string | null;
                  type: string;
                  createdAt: number;
                  updatedAt: number;
                };
              }
            | { type: "permission.deleted"; permissionId: string }
            | {
                type:
                  | "subscription.created"
                  | "subscription.updated"
                  | "subscription.active"
                  | "subscription.pastDue";
                subscription: {
                  subscriptionId: string;
                  payerId: string | null;
                  payerType: "user" | "organization" | null;
                  status: string;
                  activeAt: number | null;
                  pastDueAt: number | null;
                  canceledAt: number | null;
                  endedAt: number | null;
                  createdAt: number;
                  updatedAt: number;
                };
                items: Array<{
                  itemId: string;
                  subscriptionId: string | null;
                  payerId: string | null;
                  payerType: "user" | "organization" | null;
                  status: string;
                  isFreeTrial: boolean;
                  planId: string | null;
                  planSlug: string | null;
                  planName: string | null;
                  planFeatures: Array<string> | null;
                  interval: string | null;
                  periodStart: number | null;
                  periodEnd: number | null;
                  createdAt: number;
                  updatedAt: number;
                }>;
              }
            | {
                type:
                  | "subscriptionItem.created"
                  | "subscriptionItem.updated"
                  | "subscriptionItem.active"
                  | "subscriptionItem.canceled"
                  | "subscriptionItem.upcoming"
                  | "subscriptionItem.ended"
                  | "subscriptionItem.abandoned"
                  | "subscriptionItem.incomplete"
                  | "subscriptionItem.pastDue"
                  | "subscriptionItem.freeTrialEnding";
                item: {
                  itemId: string;
                  subscriptionId: string | null;
                  payerId: string | null;
                  payerType: "user" | "organization" | null;
                  status: string;
                  isFreeTrial: boolean;
                  planId: string | null;
                  planSlug: string | null;
                  planName: string | null;
                  planFeatures: Array<string> | null;
                  interval: string | null;
                  periodStart: number | null;
                  periodEnd: number | null;
                  createdAt: number;
                  updatedAt: number;
                };
              };
          hooks: {
            onUserEvent?: string;
            onOrganizationEvent?: string;
            onBillingEvent?: string;
          };
          holdUnlisted?: boolean;
        },
        | "inserted"
        | "updated"
        | "unchanged"
        | "stale"
        | "deleted"
        | "tombstoned"
        | "duplicate"
        | "too_large"
        | "deferred"
        | "held",
        Name
      >;
    };
    health: {
      get: FunctionReference<
        "query",
        "internal",
        {
          thresholds?: {
            fallbackGraceMs?: number;
            lookbackMs?: number;
            repairedObjects?: number;
            failedDeliveries?: number;
          };
        },
        {
          verdict: "ok" | "degraded" | "silent";
          reasons: Array<{
            rule:
              | "heartbeat"
              | "signatureRefusals"
              | "signingSecret"
              | "outage"
              | "failedDeliveries"
              | "signUpFallbacks"
              | "backfillRepairs";
            verdict: "degraded" | "silent";
            message: string;
            count: number;
          }>;
          lastDeliveryAt: number | null;
          lastHeartbeatAt?: number | null;
          passes: Array<{
            runId: string;
            mode: "full" | "incremental";
            status: "running" | "done" | "incomplete" | "canceled";
            startedAt: number;
            finishedAt: number;
            repaired: Array<{
              kind:
                | "users"
                | "organizations"
                | "memberships"
                | "invitations"
                | "permissions"
                | "roles"
                | "billingPlans"
                | "subscriptionItems";
              stored: number;
              removed: number;
            }>;
            lastMissed: number | null;
          }>;
        },
        Name
      >;
    };
    heartbeat: {
      begin: FunctionReference<
        "mutation",
        "internal",
        { windowMs: number },
        { userId: string; nonce: string } | null,
        Name
      >;
      receive: FunctionReference<
        "mutation",
        "internal",
        { nonce: string },
        "returned" | "duplicate" | "stale" | "foreign",
        Name
      >;
      sendFailed: FunctionReference<
        "mutation",
        "internal",
        { nonce: string; error: string },
        null,
        Name
      >;
      setUp: FunctionReference<
        "mutation",
        "internal",
        { userId: string; created: boolean },
        { userId: string; deploymentId: string },
        Name
      >;
      status: FunctionReference<
        "query",
        "internal",
        {},
        {
          userId: string;
          created: boolean;
          setUpAt: number;
          roundTrips: Array<{
            sentAt: number;
            deliveredAt: number | null;
            latencyMs: number | null;
            error: string | null;
          }>;
          lastOutage: {
            from: number;
            to: number;
            healRunId: string | null;
            heal: string;
          } | null;
        } | null,
        Name
      >;
    };
    invitations: {
      list: FunctionReference<
        "query",
        "internal",
        {
          orgId: string;
          status?: string;
          paginationOpts: {
            numItems: number;
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumRowsRead?: number;
            maximumBytesRead?: number;
          };
        },
        {
          page: Array<{
            invitationId: string;
            orgId: string;
            emailAddress: string;
            role: string;
            status: string;
            inviterId: string | null;
            userId: string | null;
            publicMetadataJson: string;
            expiresAt: number | null;
            createdAt: number;
            updatedAt: number;
          }>;
          continueCursor: string;
          isDone: boolean;
          splitCursor?: string | null;
          pageStatus?: "SplitRecommended" | "SplitRequired" | null;
        },
        Name
      >;
    };
    memberships: {
      getMembership: FunctionReference<
        "query",
        "internal",
        { orgId: string; clerkId: string },
        {
          membershipId: string;
          orgId: string;
          clerkId: string | null;
          role: string;
          permissions: Array<string>;
          identifier: string | null;
          publicMetadataJson: string;
          createdAt: number;
          updatedAt: number;
        } | null,
        Name
      >;
      listForUser: FunctionReference<
        "query",
        "internal",
        { clerkId: string },
        Array<{
          membership: {
            membershipId: string;
            orgId: string;
            clerkId: string | null;
            role: string;
            permissions: Array<string>;
            identifier: string | null;
            publicMetadataJson: string;
            createdAt: number;
            updatedAt: number;
          };
          organization: {
            orgId: string;
            name: string;
            slug: string | null;
            imageUrl: string | null;
            createdBy: string | null;
            publicMetadataJson: string;
            createdAt: number;
            updatedAt: number;
          } | null;
        }>,
        Name
      >;
      listMembers: FunctionReference<
        "query",
        "internal",
        {
          orgId: string;
          paginationOpts: {
            numItems: number;
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumRowsRead?: number;
            maximumBytesRead?: number;
          };
        },
        {
          page: Array<{
            membershipId: string;
            orgId: string;
            clerkId: string | null;
            role: string;
            permissions: Array<string>;
            identifier: string | null;
            publicMetadataJson: string;
            createdAt: number;
            updatedAt: number;
          }>;
          continueCursor: string;
          isDone: boolean;
          splitCursor?: string | null;
          pageStatus?: "SplitRecommended" | "SplitRequired" | null;
        },
        Name
      >;
    };
    organizations: {
      get: FunctionReference<
        "query",
        "internal",
        { orgId: string },
        {
          orgId: string;
          name: string;
          slug: string | null;
          imageUrl: string | null;
          createdBy: string | null;
          publicMetadataJson: string;
          createdAt: number;
          updatedAt: number;
        } | null,
        Name
      >;
      getBySlug: FunctionReference<
        "query",
        "internal",
        { slug: string },
        {
          orgId: string;
          name: string;
          slug: string | null;
          imageUrl: string | null;
          createdBy: string | null;
          publicMetadataJson: string;
          createdAt: number;
          updatedAt: number;
        } | null,
        Name
      >;
    };
    refusals: {
      record: FunctionReference<"mutation", "internal", {}, null, Name>;
    };
    roles: {
      getByKey: FunctionReference<
        "query",
        "internal",
        { key: string },
        {
          roleId: string;
          key: string;
          name: string;
          description: string | null;
          permissions: Array<{ permissionId: string; key: string }>;
          createdAt: number;
          updatedAt: number;
        } | null,
        Name
      >;
    };
    signUpFallbacks: {
      store: FunctionReference<
        "mutation",
        "internal",
        {
          user: {
            clerkId: string;
            email: string | null;
            emailVerified: boolean;
            phone: string | null;
            username: string | null;
            firstName: string | null;
            lastName: string | null;
            name: string;
            imageUrl: string | null;
            externalId: string | null;
            publicMetadataJson: string;
            createdAt: number;
            updatedAt: number;
            lastSignInAt: number | null;
            banned: boolean;
            locked: boolean;
          };
          hooks: {
            onUserEvent?: string;
            onOrganizationEvent?: string;
            onBillingEvent?: string;
          };
        },
        | "inserted"
        | "updated"
        | "unchanged"
        | "stale"
        | "deleted"
        | "tombstoned",
        Name
      >;
    };
    syncStatus: {
      get: FunctionReference<
        "query",
        "internal",
        {},
        {
          lastApplied: Array<{
            eventType: string;
            outcome: string;
            appliedAt: number;
          }>;
          recentFailures: Array<{
            svixId: string;
            eventType: string | null;
            reason:
              | "no_signing_secret"
              | "malformed_signing_secret"
              | "apply_failed"
              | "invalid_payload"
              | "too_large"
              | "mirror_duplicate_rows";
            failedAt: number;
            occurrences: number;
            detail?: string;
          }>;
          backfill: {
            runId: string;
            status: "running" | "done" | "incomplete" | "canceled";
            mode: "full" | "incremental";
            phase:
              | "users"
              | "reconcileUsers"
              | "organizations"
              | "reconcileOrganizations"
              | "memberships"
              | "reconcileMemberships"
              | "invitations"
              | "reconcileInvitations"
              | "permissions"
              | "reconcilePermissions"
              | "roles"
              | "reconcileRoles"
              | "billingPlans"
              | "reconcileBillingPlans"
              | "subscriptionItems"
              | "reconcileSubscriptionItems";
            stages: Array<
              | "users"
              | "reconcileUsers"
              | "organizations"
              | "reconcileOrganizations"
              | "memberships"
              | "reconcileMemberships"
              | "invitations"
              | "reconcileInvitations"
              | "permissions"
              | "reconcilePermissions"
              | "roles"
              | "reconcileRoles"
              | "billingPlans"
              | "reconcileBillingPlans"
              | "subscriptionItems"
              | "reconcileSubscriptionItems"
            >;
            organizations: boolean;
            billing: boolean;
            startedAt: number;
            finishedAt: number | null;
            counts: {
              pages: number;
              requests: number;
              rewinds: number;
              byKind: {
                users: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                organizations: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                memberships: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                invitations: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                permissions: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                roles: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                billingPlans: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
                subscriptionItems: {
                  seen: number;
                  inserted: number;
                  updated: number;
                  unchanged: number;
                  stale: number;
                  deleted: number;
                  repaired: number;
                  lastMissed: number | null;
                };
              };
            };
            clerkTotal: number | null;
            estimatedRemaining: number | null;
            updatedSince: number | null;
            shortfalls: Array<{
              kind:
                | "users"
                | "organizations"
                | "memberships"
                | "invitations"
                | "permissions"
                | "roles"
                | "billingPlans"
                | "subscriptionItems";
              seen: number;
              clerkTotal: number;
            }>;
            pageSize: number;
            lastError: string | null;
          } | null;
        },
        Name
      >;
      recordFailure: FunctionReference<
        "mutation",
        "internal",
        {
          svixId: string;
          eventType: string | null;
          reason:
            | "no_signing_secret"
            | "malformed_signing_secret"
            | "apply_failed"
            | "invalid_payload"
            | "too_large"
            | "mirror_duplicate_rows";
        },
        null,
        Name
      >;
    };
    users: {
      absent: FunctionReference<
        "query",
        "internal",
        { clerkIds: Array<string> },
        { deleted: Array<string>; unknown: Array<string> },
        Name
      >;
      get: FunctionReference<
        "query",
        "internal",
        { clerkId: string },
        {
          clerkId: string;
          email: string | null;
          emailVerified: boolean;
          phone: string | null;
          username: string | null;
          firstName: string | null;
          lastName: string | null;
          name: string;
          imageUrl: string | null;
          externalId: string | null;
          publicMetadataJson: string;
          createdAt: number;
          updatedAt: number;
          lastSignInAt: number | null;
          banned: boolean;
          locked: boolean;
        } | null,
        Name
      >;
      getByEmail: FunctionReference<
        "query",
        "internal",
        { email: string },
        {
          clerkId: string;
          email: string | null;
          emailVerified: boolean;
          phone: string | null;
          username: string | null;
          firstName: string | null;
          lastName: string | null;
          name: string;
          imageUrl: string | null;
          externalId: string | null;
          publicMetadataJson: string;
          createdAt: number;
          updatedAt: number;
          lastSignInAt: number | null;
          banned: boolean;
          locked: boolean;
        } | null,
        Name
      >;
      getByExternalId: FunctionReference<
        "query",
        "internal",
        { externalId: string },
        {
          clerkId: string;
          email: string | null;
          emailVerified: boolean;
          phone: string | null;
          username: string | null;
          firstName: string | null;
          lastName: string | null;
          name: string;
          imageUrl: string | null;
          externalId: string | null;
          publicMetadataJson: string;
          createdAt: number;
          updatedAt: number;
          lastSignInAt: number | null;
          banned: boolean;
          locked: boolean;
        } | null,
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        {
          paginationOpts: {
            numItems: number;
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumRowsRead?: number;
            maximumBytesRead?: number;
          };
        },
        {
          page: Array<{
            clerkId: string;
            email: string | null;
            emailVerified: boolean;
            phone: string | null;
            username: string | null;
            firstName: string | null;
            lastName: string | null;
            name: string;
            imageUrl: string | null;
            externalId: string | null;
            publicMetadataJson: string;
            createdAt: number;
            updatedAt: number;
            lastSignInAt: number | null;
            banned: boolean;
            locked: boolean;
          }>;
          continueCursor: string;
          isDone: boolean;
          splitCursor?: string | null;
          pageStatus?: "SplitRecommended" | "SplitRequired" | null;
        },
        Name
      >;
      recordDeletions: FunctionReference<
        "mutation",
        "internal",
        { clerkIds: Array<string> },
        number,
        Name
      >;
      upsert: FunctionReference<
        "mutation",
        "internal",
        {
          user: {
            clerkId: string;
            email: string | null;
            emailVerified: boolean;
            phone: string | null;
            username: string | null;
            firstName: string | null;
            lastName: string | null;
            name: string;
            imageUrl: string | null;
            externalId: string | null;
            publicMetadataJson: string;
            createdAt: number;
            updatedAt: number;
            lastSignInAt: number | null;
            banned: boolean;
            locked: boolean;
          };
          hooks?: {
            onUserEvent?: string;
            onOrganizationEvent?: string;
            onBillingEvent?: string;
          };
          source?: "webhook" | "backfill" | "api";
        },
        | "inserted"
        | "updated"
        | "unchanged"
        | "stale"
        | "deleted"
        | "tombstoned",
        Name
      >;
    };
    writeThrough: {
      apply: FunctionReference<
        "mutation",
        "internal",
        {
          event:
            | {
                type: "user.created" | "user.updated";
                user: {
                  clerkId: string;
                  email: string | null;
                  emailVerified: boolean;
                  phone: string | null;
                  username: string | null;
                  firstName: string | null;
                  lastName: string | null;
                  name: string;
                  imageUrl: string | null;
                  externalId: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                  lastSignInAt: number | null;
                  banned: boolean;
                  locked: boolean;
                };
              }
            | { type: "user.deleted"; clerkId: string }
            | {
                type: "organization.created" | "organization.updated";
                organization: {
                  orgId: string;
                  name: string;
                  slug: string | null;
                  imageUrl: string | null;
                  createdBy: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                };
              }
            | { type: "organization.deleted"; orgId: string }
            | {
                type:
                  | "organizationMembership.created"
                  | "organizationMembership.updated";
                membership: {
                  membershipId: string;
                  orgId: string;
                  clerkId: string | null;
                  role: string;
                  permissions: Array<string>;
                  identifier: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                };
                organization: {
                  orgId: string;
                  name: string;
                  slug: string | null;
                  imageUrl: string | null;
                  createdBy: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                } | null;
              }
            | { type: "organizationMembership.deleted"; membershipId: string }
            | {
                type:
                  | "organizationInvitation.created"
                  | "organizationInvitation.accepted"
                  | "organizationInvitation.revoked";
                invitation: {
                  invitationId: string;
                  orgId: string;
                  emailAddress: string;
                  role: string;
                  status: string;
                  inviterId: string | null;
                  userId: string | null;
                  publicMetadataJson: string;
                  expiresAt: number | null;
                  createdAt: number;
                  updatedAt: number;
                };
              }
            | {
                type: "role.created" | "role.updated";
                role: {
                  roleId: string;
                  key: string;
                  name: string;
                  description: string | null;
                  permissions: Array<{ permissionId: string; key: string }>;
                  createdAt: number;
                  updatedAt: number;
                };
                permissions: Array<{
                  permissionId: string;
                  key: string;
                  name: string;
                  description: string | null;
                  type: string;
                  createdAt: number;
                  updatedAt: number;
                }>;
              }
            | { type: "role.deleted"; roleId: string }
            | {
                type: "permission.created" | "permission.updated";
                permission: {
                  permissionId: string;
                  key: string;
                  name: string;
                  description: string | null;
                  type: string;
                  createdAt: number;
                  updatedAt: number;
                };
              }
            | { type: "permission.deleted"; permissionId: string }
            | {
                type:
                  | "subscription.created"
                  | "subscription.updated"
                  | "subscription.active"
                  | "subscription.pastDue";
                subscription: {
                  subscriptionId: string;
                  payerId: string | null;
                  payerType: "user" | "organization" | null;
                  status: string;
                  activeAt: number | null;
                  pastDueAt: number | null;
                  canceledAt: number | null;
                  endedAt: number | null;
                  createdAt: number;
                  updatedAt: number;
                };
                items: Array<{
                  itemId: string;
                  subscriptionId: string | null;
                  payerId: string | null;
                  payerType: "user" | "organization" | null;
                  status: string;
                  isFreeTrial: boolean;
                  planId: string | null;
                  planSlug: string | null;
                  planName: string | null;
                  planFeatures: Array<string> | null;
                  interval: string | null;
                  periodStart: number | null;
                  periodEnd: number | null;
                  createdAt: number;
                  updatedAt: number;
                }>;
              }
            | {
                type:
                  | "subscriptionItem.created"
                  | "subscriptionItem.updated"
                  | "subscriptionItem.active"
                  | "subscriptionItem.canceled"
                  | "subscriptionItem.upcoming"
                  | "subscriptionItem.ended"
                  | "subscriptionItem.abandoned"
                  | "subscriptionItem.incomplete"
                  | "subscriptionItem.pastDue"
                  | "subscriptionItem.freeTrialEnding";
                item: {
                  itemId: string;
                  subscriptionId: string | null;
                  payerId: string | null;
                  payerType: "user" | "organization" | null;
                  status: string;
                  isFreeTrial: boolean;
                  planId: string | null;
                  planSlug: string | null;
                  planName: string | null;
                  planFeatures: Array<string> | null;
                  interval: string | null;
                  periodStart: number | null;
                  periodEnd: number | null;
                  createdAt: number;
                  updatedAt: number;
                };
              };
          hooks: {
            onUserEvent?: string;
            onOrganizationEvent?: string;
            onBillingEvent?: string;
          };
        },
        | "inserted"
        | "updated"
        | "unchanged"
        | "stale"
        | "deleted"
        | "tombstoned",
        Name
      >;
    };
  };
