// The root entry point: what host queries, mutations and actions use. The webhook (and svix)
// is `convex-clerk-sync/http`, the backfill (and @clerk/backend) `convex-clerk-sync/backfill`,
// so a module that only reads users loads neither.
export {
  ClerkSync,
  type BillingPayer,
  type ClerkSyncErrorCode,
  type ClerkSyncOptions,
  type RunActionCtx,
  type RunMutationCtx,
  type RunQueryCtx,
} from "./clerkSync.js";
export {
  defineBillingEventHandlers,
  defineOrganizationEventHandlers,
  defineUserEventHandlers,
  type BillingEventHandlerReference,
  type BillingEventHandlers,
  type OrganizationEventHandlerReference,
  type OrganizationEventHandlers,
  type UserEventHandlerReference,
  type UserEventHandlers,
} from "./hooks.js";
export {
  mirrorUsers,
  type UserMirror,
  type UserMirrorAdoptPage,
  type UserMirrorDeletePolicy,
  type UserMirrorOptions,
  type UserMirrorPrunePage,
} from "./mirror.js";
export {
  vSyncedInvitation,
  vSyncedMembership,
  vSyncedOrganization,
  vSyncedRole,
  vSyncedSubscription,
  vSyncedSubscriptionItem,
  vSyncedSubscriptionRecord,
  vSyncedUser,
  type SyncedInvitation,
  type SyncedMembership,
  type SyncedOrganization,
  type SyncedRole,
  type SyncedSubscription,
  type SyncedSubscriptionItem,
  type SyncedSubscriptionRecord,
  type SyncedUser,
} from "./synced.js";
export type { HasCheck, HasOptions, OrgRequirement } from "./authorization.js";
export type { LogLevel } from "./logging.js";
export type {
  ClerkWriteError,
  ClerkWriteErrorCode,
  CreateInvitationOptions,
  CreateOrganizationOptions,
  MetadataUpdate,
  UpdateOrganizationOptions,
} from "./writeThrough.js";
export type { ClerkApiOptions } from "./clerkApiOptions.js";
export type { ComponentApi } from "../component/_generated/component.js";
export type { BillingHookEvent, ChangeSource, OrganizationHookEvent, UserHookEvent } from "../component/changes.js";
export type { FailureReason, SyncStatus } from "../component/syncStatus.js";
export type { HealthReason, HealthThresholds, HealthVerdict, PassRepairs, SyncHealth } from "../component/health.js";
export { clerkAuthProvider, type ClerkAuthProvider, type ClerkAuthProviderOptions } from "./authConfig.js";
