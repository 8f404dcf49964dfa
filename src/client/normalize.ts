import type {
  EmailAddressJSON,
  OrganizationJSON,
  OrganizationMembershipJSON,
  PhoneNumberJSON,
  UserJSON,
} from "@clerk/backend";
import type { ClerkEvent } from "../component/deliveries.js";
import {
  INVITATION_EVENT_TYPES,
  SUBSCRIPTION_EVENT_TYPES,
  SUBSCRIPTION_ITEM_EVENT_TYPES,
  type InvitationRecord,
  type MembershipRecord,
  type OrganizationRecord,
  type PayerType,
  type PermissionRecord,
  type RoleRecord,
  type SubscriptionItemRecord,
  type SubscriptionRecord,
  type UserRecord,
} from "../component/records.js";
import { jsonText } from "./metadata.js";

/**
 * What a verified webhook body turns into: an event for the component, something
 * to acknowledge and ignore, or a body that is not a Clerk event at all.
 */
export type NormalizedDelivery =
  | { kind: "event"; event: ClerkEvent }
  | { kind: "ignored"; eventType: string; reason: string }
  | { kind: "invalid"; reason: string };

/**
 * Turn a parsed webhook body into a component event. Never throws: Clerk's payloads
 * are read defensively, since a thrown error here would become a 5xx that Svix
 * retries for days.
 */
export function normalizeDelivery(body: unknown): NormalizedDelivery {
  if (!isObject(body) || typeof body["type"] !== "string" || !isObject(body["data"])) {
    return { kind: "invalid", reason: "body is not a Clerk event (no `type` and `data` object)" };
  }
  const { type, data } = body;
  // An own key only: `constructor` or `__proto__` is an unknown event type, not a normalizer.
  const normalize = Object.hasOwn(NORMALIZERS, type) ? NORMALIZERS[type] : undefined;
  if (!normalize) return { kind: "ignored", eventType: type, reason: "event type not synced" };
  const id = text(data["id"]);
  if (id === null) {
    // Clerk's deleted-object type marks `id` optional: nothing to delete without it.
    return type.endsWith(".deleted")
      ? { kind: "ignored", eventType: type, reason: "deleted object without id" }
      : { kind: "invalid", reason: `${type} without an id` };
  }
  return normalize(id, data);
}

type Normalizer = (id: string, data: Record<string, unknown>) => NormalizedDelivery;
const event = (value: ClerkEvent): NormalizedDelivery => ({ kind: "event", event: value });

const NORMALIZERS: Record<string, Normalizer> = {
  "user.created": (id, data) => event({ type: "user.created", user: normalizeUser({ ...data, id }) }),
  "user.updated": (id, data) => event({ type: "user.updated", user: normalizeUser({ ...data, id }) }),
  "user.deleted": (clerkId) => event({ type: "user.deleted", clerkId }),
  "organization.created": (id, data) =>
    event({ type: "organization.created", organization: normalizeOrganization({ ...data, id }) }),
  "organization.updated": (id, data) =>
    event({ type: "organization.updated", organization: normalizeOrganization({ ...data, id }) }),
  "organization.deleted": (orgId) => event({ type: "organization.deleted", orgId }),
  "organizationMembership.created": (id, data) => membershipEvent("organizationMembership.created", id, data),
  "organizationMembership.updated": (id, data) => membershipEvent("organizationMembership.updated", id, data),
  "organizationMembership.deleted": (membershipId) => event({ type: "organizationMembership.deleted", membershipId }),
  ...Object.fromEntries(
    INVITATION_EVENT_TYPES.map((type): [string, Normalizer] => [type, (id, data) => invitationEvent(type, id, data)]),
  ),
  "role.created": (id, data) => roleEvent("role.created", id, data),
  "role.updated": (id, data) => roleEvent("role.updated", id, data),
  "role.deleted": (roleId) => event({ type: "role.deleted", roleId }),
  "permission.created": (id, data) =>
    event({ type: "permission.created", permission: normalizePermission({ ...data, id }) }),
  "permission.updated": (id, data) =>
    event({ type: "permission.updated", permission: normalizePermission({ ...data, id }) }),
  "permission.deleted": (permissionId) => event({ type: "permission.deleted", permissionId }),
  ...Object.fromEntries(
    SUBSCRIPTION_EVENT_TYPES.map((type): [string, Normalizer] => [
      type,
      (id, data) => event({ type, ...normalizeSubscription({ ...data, id }) }),
    ]),
  ),
  ...Object.fromEntries(
    SUBSCRIPTION_ITEM_EVENT_TYPES.map((type): [string, Normalizer] => [
      type,
      (id, data) => event({ type, item: normalizeSubscriptionItem({ ...data, id }) }),
    ]),
  ),
};

const INVITATION_STATUS_OF = {
  "organizationInvitation.created": "pending",
  "organizationInvitation.accepted": "accepted",
  "organizationInvitation.revoked": "revoked",
} as const;

function invitationEvent(
  type: (typeof INVITATION_EVENT_TYPES)[number],
  id: string,
  data: Record<string, unknown>,
): NormalizedDelivery {
  // The status the event is named after, should a payload leave it out.
  const status = text(data["status"]) ?? INVITATION_STATUS_OF[type];
  const invitation = normalizeInvitation({ ...data, id, status });
  if (invitation === null) return { kind: "invalid", reason: `${type} without an organization id or email address` };
  return event({ type, invitation });
}

function roleEvent(type: "role.created" | "role.updated", id: string, data: Record<string, unknown>) {
  const permissions = objects(data["permissions"])
    .filter((permission) => text(permission["id"]) !== null)
    .map((permission) => normalizePermission({ ...permission, id: text(permission["id"])! }));
  return event({ type, role: normalizeRole({ ...data, id }), permissions });
}

function membershipEvent(
  type: "organizationMembership.created" | "organizationMembership.updated",
  id: string,
  data: Record<string, unknown>,
): NormalizedDelivery {
  const organization =
    isObject(data["organization"]) && text(data["organization"]["id"]) !== null
      ? normalizeOrganization(data["organization"] as Partial<OrganizationJSON> & { id: string })
      : null;
  if (!organization) return { kind: "invalid", reason: `${type} without an organization id` };
  return event({ type, membership: normalizeMembership({ ...data, id }, organization.orgId), organization });
}

/** Map Clerk's user JSON (webhook or Backend API) to the stored record. */
export function normalizeUser(
  data: (Partial<UserJSON> & { id: string }) | (Record<string, unknown> & { id: string }),
): UserRecord {
  const primaryEmail = findById<EmailAddressJSON>(data.email_addresses, data.primary_email_address_id);
  const primaryPhone = findById<PhoneNumberJSON>(data.phone_numbers, data.primary_phone_number_id);
  const email = text(primaryEmail?.email_address);
  const firstName = text(data.first_name);
  const lastName = text(data.last_name);
  const username = text(data.username);
  const createdAt = timestamp(data.created_at) ?? 0;
  return {
    clerkId: data.id,
    email,
    emailVerified: email !== null && primaryEmail?.verification?.status === "verified",
    phone: text(primaryPhone?.phone_number),
    username,
    firstName,
    lastName,
    name: displayName({ firstName, lastName, username, email, clerkId: data.id }),
    imageUrl: text(data.image_url),
    externalId: text(data.external_id),
    publicMetadataJson: metadataJson(data.public_metadata),
    createdAt,
    updatedAt: timestamp(data.updated_at) ?? createdAt,
    lastSignInAt: timestamp(data.last_sign_in_at),
    banned: data.banned === true,
    locked: data.locked === true,
  };
}

/** Map Clerk's organization JSON to the stored record. */
export function normalizeOrganization(
  data: (Partial<OrganizationJSON> | Record<string, unknown>) & { id: string },
): OrganizationRecord {
  const createdAt = timestamp(data.created_at) ?? 0;
  return {
    orgId: data.id,
    name: text(data.name) ?? text(data.slug) ?? data.id,
    slug: text(data.slug),
    imageUrl: text(data.image_url),
    createdBy: text(data.created_by),
    publicMetadataJson: metadataJson(data.public_metadata),
    createdAt,
    updatedAt: timestamp(data.updated_at) ?? createdAt,
  };
}

/** Map Clerk's membership JSON to the stored record; `public_user_data` may be missing. */
export function normalizeMembership(
  data: (Partial<OrganizationMembershipJSON> | Record<string, unknown>) & { id: string },
  orgId: string,
): MembershipRecord {
  const userData = isObject(data.public_user_data) ? data.public_user_data : {};
  const createdAt = timestamp(data.created_at) ?? 0;
  return {
    membershipId: data.id,
    orgId,
    clerkId: text(userData["user_id"]),
    role: text(data.role) ?? "",
    permissions: Array.isArray(data.permissions)
      ? data.permissions.filter((p): p is string => typeof p === "string")
      : [],
    identifier: text(userData["identifier"]),
    publicMetadataJson: metadataJson(data.public_metadata),
    createdAt,
    updatedAt: timestamp(data.updated_at) ?? createdAt,
  };
}

/**
 * Map Clerk's organization invitation JSON (webhook or Backend API) to the stored record; null
 * without the organization's id or the address invited. The `url` (a sign-up ticket) and the
 * private metadata are left out.
 */
export function normalizeInvitation(data: Record<string, unknown> & { id: string }): InvitationRecord | null {
  const orgId =
    text(data["organization_id"]) ??
    (isObject(data["public_organization_data"]) ? text(data["public_organization_data"]["id"]) : null);
  const emailAddress = text(data["email_address"]);
  if (orgId === null || emailAddress === null) return null;
  const createdAt = timestamp(data["created_at"]) ?? 0;
  return {
    invitationId: data.id,
    orgId,
    emailAddress,
    role: text(data["role"]) ?? "",
    status: text(data["status"]) ?? "pending",
    inviterId: text(data["inviter_id"]),
    userId: text(data["user_id"]),
    publicMetadataJson: metadataJson(data["public_metadata"]),
    expiresAt: timestamp(data["expires_at"]),
    createdAt,
    updatedAt: timestamp(data["updated_at"]) ?? createdAt,
  };
}

/** Map Clerk's role JSON (webhook or Backend API) to the stored record. */
export function normalizeRole(data: Record<string, unknown> & { id: string }): RoleRecord {
  const createdAt = timestamp(data["created_at"]) ?? 0;
  return {
    roleId: data.id,
    key: text(data["key"]) ?? "",
    name: text(data["name"]) ?? text(data["key"]) ?? data.id,
    description: text(data["description"]),
    permissions: objects(data["permissions"]).flatMap((permission) => {
      const permissionId = text(permission["id"]);
      const key = text(permission["key"]);
      return permissionId !== null && key !== null ? [{ permissionId, key }] : [];
    }),
    createdAt,
    updatedAt: timestamp(data["updated_at"]) ?? createdAt,
  };
}

/** Map Clerk's permission JSON (webhook or Backend API) to the stored record. */
export function normalizePermission(data: Record<string, unknown> & { id: string }): PermissionRecord {
  const createdAt = timestamp(data["created_at"]) ?? 0;
  return {
    permissionId: data.id,
    key: text(data["key"]) ?? "",
    name: text(data["name"]) ?? text(data["key"]) ?? data.id,
    description: text(data["description"]),
    type: text(data["type"]) ?? "custom",
    createdAt,
    updatedAt: timestamp(data["updated_at"]) ?? createdAt,
  };
}

/**
 * Who pays, from Clerk's payer JSON: an organization when `organization_id` is set (a
 * user payer's is `""`), else the user.
 */
function normalizePayer(payer: unknown): { payerId: string | null; payerType: PayerType | null } {
  if (!isObject(payer)) return { payerId: null, payerType: null };
  const orgId = text(payer["organization_id"]);
  if (orgId !== null) return { payerId: orgId, payerType: "organization" };
  const userId = text(payer["user_id"]);
  return userId !== null ? { payerId: userId, payerType: "user" } : { payerId: null, payerType: null };
}

/**
 * Map Clerk's subscription JSON to the stored record and its items (`items` in webhooks,
 * `subscription_items` in the Backend API), each item with the subscription's id and payer.
 */
export function normalizeSubscription(data: Record<string, unknown> & { id: string }): {
  subscription: SubscriptionRecord;
  items: SubscriptionItemRecord[];
} {
  const payer = normalizePayer(data["payer"]);
  const createdAt = timestamp(data["created_at"]) ?? 0;
  const subscription: SubscriptionRecord = {
    subscriptionId: data.id,
    ...payer,
    status: text(data["status"]) ?? "",
    activeAt: timestamp(data["active_at"]),
    pastDueAt: timestamp(data["past_due_at"]),
    canceledAt: timestamp(data["canceled_at"]),
    endedAt: timestamp(data["ended_at"]),
    createdAt,
    updatedAt: timestamp(data["updated_at"]) ?? createdAt,
  };
  const items = objects(Array.isArray(data["items"]) ? data["items"] : data["subscription_items"]).flatMap((item) => {
    const id = text(item["id"]);
    if (id === null) return [];
    const record = normalizeSubscriptionItem({ ...item, id });
    const payerOfItem = record.payerId !== null ? { payerId: record.payerId, payerType: record.payerType } : payer;
    return [{ ...record, ...payerOfItem, subscriptionId: data.id }];
  });
  return { subscription, items };
}

/** Map Clerk's subscription item JSON to the stored record. */
export function normalizeSubscriptionItem(data: Record<string, unknown> & { id: string }): SubscriptionItemRecord {
  const plan = isObject(data["plan"]) ? data["plan"] : {};
  const createdAt = timestamp(data["created_at"]) ?? 0;
  return {
    itemId: data.id,
    subscriptionId: text(data["subscription_id"]),
    ...normalizePayer(data["payer"]),
    status: text(data["status"]) ?? "",
    isFreeTrial: data["is_free_trial"] === true,
    planId: text(data["plan_id"]) ?? text(plan["id"]),
    planSlug: text(plan["slug"]),
    planName: text(plan["name"]),
    planFeatures: Array.isArray(plan["features"])
      ? plan["features"].flatMap((feature) => {
          const slug = typeof feature === "string" ? text(feature) : isObject(feature) ? text(feature["slug"]) : null;
          return slug === null ? [] : [slug];
        })
      : null,
    interval: text(data["interval"]) ?? text(data["plan_period"]),
    periodStart: timestamp(data["period_start"]),
    periodEnd: timestamp(data["period_end"]),
    createdAt,
    updatedAt: timestamp(data["updated_at"]) ?? createdAt,
  };
}

/** First + last, else whichever exists, else username, else email, else the Clerk id. */
export function displayName(user: {
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  email: string | null;
  clerkId: string;
}): string {
  const fullName = [user.firstName, user.lastName].filter((part) => part !== null).join(" ");
  return fullName || user.username || user.email || user.clerkId;
}

function findById<T>(items: unknown, id: unknown): T | null {
  if (!Array.isArray(items) || typeof id !== "string") return null;
  return (items.find((item) => isObject(item) && item["id"] === id) as T | undefined) ?? null;
}

/** A trimmed, non-empty string, or null for anything else (null, "", numbers, ...). */
function text(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function timestamp(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Metadata as JSON text, at any depth; anything but a JSON object is stored as `{}`. */
function metadataJson(value: unknown): string {
  return isObject(value) ? jsonText(value) : "{}";
}

/** The objects in an array; anything else is no objects. */
function objects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
