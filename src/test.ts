/// <reference types="vite/client" />
import type { TestConvex } from "convex-test";
import { componentsGeneric, type GenericSchema, type SchemaDefinition } from "convex/server";
import type { ComponentApi } from "./component/_generated/component.js";
import schema from "./component/schema.js";
import { normalizeUser } from "./client/normalize.js";
import { toSynced, type SyncedUser } from "./client/synced.js";
import { clerkUser, type UserOverrides } from "./events/payloads.js";

export { signDelivery, type SignedDelivery } from "./events/sign.js";
export { clerkIdentity, type ActiveOrganization, type ClerkIdentityOptions } from "./events/identity.js";
export { finishBackfill, type FakeTimers, type FinishBackfillOptions } from "./testing/backfill.js";
export {
  clerkApiError,
  stubClerkApi,
  type ClerkApiErrorAnswer,
  type ClerkApiStub,
  type StubbedRequest,
  type StubRoute,
} from "./testing/clerkApiStub.js";
export {
  clerkInvitation,
  clerkMembership,
  clerkOrganization,
  clerkPermission,
  clerkRole,
  clerkUser,
  invitationAccepted,
  invitationCreated,
  invitationRevoked,
  membershipCreated,
  membershipDeleted,
  membershipUpdated,
  newOrganizationId,
  newUserId,
  organizationCreated,
  organizationDeleted,
  organizationUpdated,
  permissionCreated,
  permissionDeleted,
  permissionUpdated,
  roleCreated,
  roleDeleted,
  roleUpdated,
  userCreated,
  userDeleted,
  userUpdated,
  type ClerkWebhookPayload,
  type UserOverrides,
} from "./events/payloads.js";
export {
  clerkPayer,
  clerkSubscription,
  clerkSubscriptionItem,
  subscriptionEvent,
  subscriptionItemEvent,
  type PayerOverrides,
  type SubscriptionEventType,
  type SubscriptionItemEventType,
} from "./events/billingPayloads.js";

const modules = import.meta.glob("./component/**/*.ts");

/**
 * Register the component with a host's `convexTest` instance.
 * @param name - the name given in `app.use` (default "clerk").
 */
export function register(t: TestConvex<SchemaDefinition<GenericSchema, boolean>>, name = "clerk") {
  t.registerComponent(name, schema, modules);
}

/**
 * Store a synced user directly, for tests that do not care about webhooks. Takes the
 * same overrides as the payload builders (Clerk's field names) and returns the user as
 * `ClerkSync.getUser` would. Lifecycle hooks do not run.
 */
export async function seedUser(
  t: TestConvex<SchemaDefinition<GenericSchema, boolean>>,
  overrides: UserOverrides = {},
  name = "clerk",
): Promise<SyncedUser> {
  const component = (componentsGeneric() as unknown as Record<string, ComponentApi | undefined>)[name];
  if (!component) throw new Error(`no component named "${name}" is registered with this convexTest instance`);
  const user = normalizeUser(clerkUser(overrides));
  await t.run((ctx) => ctx.runMutation(component.users.upsert, { user }));
  return toSynced(user);
}

export default { register, schema, modules };
