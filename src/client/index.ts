export { ClerkSync, type ClerkSyncErrorCode, type ClerkSyncOptions, type RunMutationCtx, type RunQueryCtx } from "./clerkSync.js";
export { registerClerkRoutes, type ClerkRoutesOptions } from "./webhook.js";
export {
  defineUserEventHandlers,
  type UserEventHandlerReference,
  type UserEventHandlers,
} from "./hooks.js";
export type { SyncedUser } from "./user.js";
export type { ClerkApiOptions } from "./clerkApi.js";
export type { ComponentApi } from "../component/_generated/component.js";
export type { ChangeSource, UserHookEvent } from "../component/validators.js";
