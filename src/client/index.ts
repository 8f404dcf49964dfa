export {
  ClerkSync,
  type BillingPayer,
  type ClerkSyncErrorCode,
  type HasOptions,
  type ClerkSyncOptions,
  type OrgRequirement,
  type RunActionCtx,
  type RunMutationCtx,
  type RunQueryCtx,
} from "./clerkSync.js";
export { handleClerkWebhook, registerClerkRoutes, type ClerkRoutesOptions } from "./webhook.js";
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
  vSyncedMembership,
  vSyncedOrganization,
  vSyncedRole,
  vSyncedSubscription,
  vSyncedSubscriptionItem,
  vSyncedSubscriptionRecord,
  vSyncedUser,
  type SyncedMembership,
  type SyncedOrganization,
  type SyncedRole,
  type SyncedSubscription,
  type SyncedSubscriptionItem,
  type SyncedSubscriptionRecord,
  type SyncedUser,
} from "./synced.js";
export type { HasCheck } from "./authorization.js";
export type { ClerkApiOptions } from "./clerkApi.js";
export type { ComponentApi } from "../component/_generated/component.js";
export type {
  BillingHookEvent,
  ChangeSource,
  OrganizationHookEvent,
  UserHookEvent,
} from "../component/changes.js";
