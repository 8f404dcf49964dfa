export {
  ClerkSync,
  type ClerkSyncErrorCode,
  type ClerkSyncOptions,
  type OrgRequirement,
  type RunMutationCtx,
  type RunQueryCtx,
} from "./clerkSync.js";
export { registerClerkRoutes, type ClerkRoutesOptions } from "./webhook.js";
export {
  defineOrganizationEventHandlers,
  defineUserEventHandlers,
  type OrganizationEventHandlerReference,
  type OrganizationEventHandlers,
  type UserEventHandlerReference,
  type UserEventHandlers,
} from "./hooks.js";
export type { SyncedMembership, SyncedOrganization, SyncedUser } from "./user.js";
export type { ClerkApiOptions } from "./clerkApi.js";
export type { ComponentApi } from "../component/_generated/component.js";
export type { ChangeSource, OrganizationHookEvent, UserHookEvent } from "../component/validators.js";
export { clerkAuthProvider, type ClerkAuthProvider, type ClerkAuthProviderOptions } from "./authConfig.js";
