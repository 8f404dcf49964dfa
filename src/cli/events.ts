// What `convex-clerk-sync send` can build: every event type the test kit builds, grouped by the
// object it carries, with the flags that set that object's fields. Built with the test kit's
// own builders (src/events/), so the CLI and host tests send the same payloads.
import { SUBSCRIPTION_EVENT_TYPES, SUBSCRIPTION_ITEM_EVENT_TYPES } from "../component/records.js";
import {
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
} from "../events/payloads.js";
import { subscriptionEvent, subscriptionItemEvent, type PayerOverrides } from "../events/billingPayloads.js";
import { randomToken } from "../events/sign.js";

/** The flags that set an event's fields (`send --help` describes each). */
export type EventFields = {
  email?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  name?: string;
  slug?: string;
  orgId?: string;
  userId?: string;
  role?: string;
  key?: string;
  permissions?: string[];
  plan?: string;
  payerUser?: string;
  payerOrg?: string;
  status?: string;
};
type Field = keyof EventFields;

/** One kind of object: its event types, the flags that apply to each, and how to build one. */
type EventKind = {
  types: readonly string[];
  /** Flags that apply to a type; a deletion usually carries only the id. */
  fields: (type: string) => readonly Field[];
  /** A fresh id of Clerk's shape for this kind. */
  newId: () => string;
  build: (type: string, id: string, fields: EventFields) => ClerkWebhookPayload<unknown>;
};

const deleted = (type: string) => type.endsWith(".deleted");
/** `updated_at` now, so an update is newer than what the endpoint stored. */
const now = () => ({ updated_at: Date.now() });

const KINDS: EventKind[] = [
  {
    types: ["user.created", "user.updated", "user.deleted"],
    fields: (type) => (deleted(type) ? [] : ["email", "firstName", "lastName", "username"]),
    newId: newUserId,
    build: (type, id, f) => {
      if (type === "user.deleted") return userDeleted(id);
      const user: UserOverrides = { id };
      if (f.email !== undefined) user.email = f.email;
      if (f.firstName !== undefined) user.first_name = f.firstName;
      if (f.lastName !== undefined) user.last_name = f.lastName;
      if (f.username !== undefined) user.username = f.username;
      return type === "user.created" ? userCreated(user) : userUpdated({ ...user, ...now() });
    },
  },
  {
    types: ["organization.created", "organization.updated", "organization.deleted"],
    fields: (type) => (deleted(type) ? ["slug"] : ["name", "slug"]),
    newId: newOrganizationId,
    build: (type, id, f) => {
      if (type === "organization.deleted") return organizationDeleted(id, f.slug);
      const organization = { id, ...defined({ name: f.name, slug: f.slug }) };
      return type === "organization.created"
        ? organizationCreated(organization)
        : organizationUpdated({ ...organization, ...now() });
    },
  },
  {
    types: ["organizationMembership.created", "organizationMembership.updated", "organizationMembership.deleted"],
    fields: () => ["orgId", "userId", "role"],
    newId: () => `orgmem_${randomToken()}`,
    build: (type, id, f) => {
      const membership = { id, ...defined({ orgId: f.orgId, userId: f.userId, role: f.role }) };
      if (type === "organizationMembership.created") return membershipCreated(membership);
      if (type === "organizationMembership.updated") return membershipUpdated({ ...membership, ...now() });
      return membershipDeleted({ ...membership, ...now() });
    },
  },
  {
    types: ["organizationInvitation.created", "organizationInvitation.accepted", "organizationInvitation.revoked"],
    fields: (type) => {
      if (type.endsWith(".created")) return ["orgId", "email", "role"];
      return type.endsWith(".accepted") ? ["orgId", "userId"] : ["orgId"];
    },
    newId: () => `orginv_${randomToken()}`,
    build: (type, id, f) => {
      const invitation = { id, ...defined({ orgId: f.orgId, email_address: f.email, role: f.role }) };
      if (type === "organizationInvitation.created") return invitationCreated(invitation);
      // Accepted by a user (default: a fresh one), or revoked: either a later change than the invitation.
      if (type === "organizationInvitation.accepted") {
        return invitationAccepted({ ...invitation, user_id: f.userId ?? newUserId(), ...now() });
      }
      return invitationRevoked({ ...invitation, ...now() });
    },
  },
  {
    types: ["role.created", "role.updated", "role.deleted"],
    fields: (type) => (deleted(type) ? [] : ["key", "name", "permissions"]),
    newId: () => `role_${randomToken()}`,
    build: (type, id, f) => {
      if (type === "role.deleted") return roleDeleted(id);
      const role = { id, ...defined({ key: f.key, name: f.name, permissions: f.permissions }) };
      return type === "role.created" ? roleCreated(role) : roleUpdated({ ...role, ...now() });
    },
  },
  {
    types: ["permission.created", "permission.updated", "permission.deleted"],
    fields: (type) => (deleted(type) ? [] : ["key", "name"]),
    newId: () => `perm_${randomToken()}`,
    build: (type, id, f) => {
      if (type === "permission.deleted") return permissionDeleted(id);
      const permission = { id, ...defined({ key: f.key, name: f.name }) };
      return type === "permission.created"
        ? permissionCreated(permission)
        : permissionUpdated({ ...permission, ...now() });
    },
  },
  {
    types: SUBSCRIPTION_EVENT_TYPES,
    fields: () => ["plan", "payerUser", "payerOrg", "status"],
    newId: () => `csub_${randomToken()}`,
    build: (type, id, f) => {
      const items = [defined({ plan: f.plan })];
      const subscription = { id, items, payer: payerOf(f), ...defined({ status: f.status }), ...now() };
      return subscriptionEvent(type as (typeof SUBSCRIPTION_EVENT_TYPES)[number], subscription);
    },
  },
  {
    types: SUBSCRIPTION_ITEM_EVENT_TYPES,
    fields: () => ["plan", "payerUser", "payerOrg", "status"],
    newId: () => `csub_item_${randomToken()}`,
    build: (type, id, f) => {
      const item = { id, payer: payerOf(f), ...defined({ plan: f.plan, status: f.status }), ...now() };
      return subscriptionItemEvent(type as (typeof SUBSCRIPTION_ITEM_EVENT_TYPES)[number], item);
    },
  },
];

/** Every event type `send` builds, in the order `send --help` lists them. */
export const EVENT_TYPES: readonly string[] = KINDS.flatMap((kind) => kind.types);

/** The kind an event type belongs to; undefined for a type `send` does not build. */
export function kindOf(type: string): EventKind | undefined {
  return KINDS.find((kind) => kind.types.includes(type));
}

/** The payer flags as the builders take them: a user (default: a fresh one) or an organization. */
function payerOf(f: EventFields): PayerOverrides {
  return f.payerOrg !== undefined ? { orgId: f.payerOrg } : { userId: f.payerUser ?? newUserId() };
}

/** The entries whose value is set: the builders' defaults stand for the rest. */
function defined<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
