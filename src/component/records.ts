import { v, type Infer } from "convex/values";

// What the component stores and returns for each Clerk object. Metadata is kept as JSON
// text: Clerk's metadata is user-defined JSON whose keys may be anything (`$ref`,
// non-ASCII, control characters), which Convex objects cannot hold. The client maps it
// to a Convex-safe object (`src/client/metadata.ts`) and keeps the text as it came.

/** A Clerk user as the component stores and returns it. */
export const userRecordFields = {
  clerkId: v.string(),
  email: v.union(v.string(), v.null()),
  emailVerified: v.boolean(),
  phone: v.union(v.string(), v.null()),
  username: v.union(v.string(), v.null()),
  firstName: v.union(v.string(), v.null()),
  lastName: v.union(v.string(), v.null()),
  name: v.string(),
  imageUrl: v.union(v.string(), v.null()),
  externalId: v.union(v.string(), v.null()),
  publicMetadataJson: v.string(),
  /** Clerk's `created_at`, milliseconds. */
  createdAt: v.number(),
  /** Clerk's `updated_at`, milliseconds: the version used to order snapshots. */
  updatedAt: v.number(),
  lastSignInAt: v.union(v.number(), v.null()),
  banned: v.boolean(),
  /** Clerk's `locked`: too many failed sign-in attempts (lifted by Clerk after a while). */
  locked: v.boolean(),
};
export const vUserRecord = v.object(userRecordFields);
export type UserRecord = Infer<typeof vUserRecord>;

/** A Clerk organization as the component stores and returns it. */
export const organizationRecordFields = {
  orgId: v.string(),
  name: v.string(),
  slug: v.union(v.string(), v.null()),
  imageUrl: v.union(v.string(), v.null()),
  /** The Clerk id of the user who created it. */
  createdBy: v.union(v.string(), v.null()),
  publicMetadataJson: v.string(),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const vOrganizationRecord = v.object(organizationRecordFields);
export type OrganizationRecord = Infer<typeof vOrganizationRecord>;

/** A user's membership in an organization. */
export const membershipRecordFields = {
  membershipId: v.string(),
  orgId: v.string(),
  /** The member's Clerk user id; null until a snapshot carries `public_user_data`. */
  clerkId: v.union(v.string(), v.null()),
  /** Clerk's role key as sent: `org:admin`, `org:member`, or legacy `admin`/`basic_member`. */
  role: v.string(),
  /**
   * Stored (and in hook events): what the membership carried when last delivered. Read
   * through `ClerkSync`: the effective set, the role's current permissions when the role
   * is synced (roles.ts, `effectivePermissions`).
   */
  permissions: v.array(v.string()),
  /** The member's email, phone or username, as Clerk shows it. */
  identifier: v.union(v.string(), v.null()),
  publicMetadataJson: v.string(),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const vMembershipRecord = v.object(membershipRecordFields);
export type MembershipRecord = Infer<typeof vMembershipRecord>;

/** A membership with the organization snapshot Clerk sends along with it. */
export const vMembershipWithOrganization = v.object({
  membership: vMembershipRecord,
  organization: v.union(vOrganizationRecord, v.null()),
});
export type MembershipWithOrganization = Infer<typeof vMembershipWithOrganization>;

/**
 * An invitation to join an organization. Its `url` holds a sign-up ticket and its private
 * metadata is Clerk's alone: neither is stored.
 */
export const invitationRecordFields = {
  invitationId: v.string(),
  orgId: v.string(),
  /** The address invited: personal data, for the organization's admins only. */
  emailAddress: v.string(),
  /** The role key the invitee gets on accepting (`org:member`). */
  role: v.string(),
  /** Clerk's status as sent: `pending`, `accepted`, `revoked` or `expired`. */
  status: v.string(),
  /** The Clerk id of the user who sent it; null when the Backend API named none. */
  inviterId: v.union(v.string(), v.null()),
  /** The Clerk id of the user who accepted it; null until `organizationInvitation.accepted`. */
  userId: v.union(v.string(), v.null()),
  publicMetadataJson: v.string(),
  /** When it stops being valid, milliseconds; null if it never does. */
  expiresAt: v.union(v.number(), v.null()),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const vInvitationRecord = v.object(invitationRecordFields);
export type InvitationRecord = Infer<typeof vInvitationRecord>;

/** Clerk's invitation events: each carries the whole invitation, named after its new status. */
export const INVITATION_EVENT_TYPES = [
  "organizationInvitation.created",
  "organizationInvitation.accepted",
  "organizationInvitation.revoked",
] as const;

/** An organization permission (`org:<feature>:<action>`, or a system `org:sys_…` one). */
export const permissionRecordFields = {
  permissionId: v.string(),
  /** Clerk's permission key as sent; Clerk lets it be renamed. */
  key: v.string(),
  name: v.string(),
  description: v.union(v.string(), v.null()),
  /** `custom` or `system`. */
  type: v.string(),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const vPermissionRecord = v.object(permissionRecordFields);
export type PermissionRecord = Infer<typeof vPermissionRecord>;

/** A permission as a role snapshot lists it: its id, and its key at the time. */
export const vRolePermission = v.object({ permissionId: v.string(), key: v.string() });
export type RolePermission = Infer<typeof vRolePermission>;

/** An organization role and the permissions it grants. */
export const roleRecordFields = {
  roleId: v.string(),
  /** The key memberships carry as their `role` (`org:admin`, `org:editor`…); Clerk lets it be renamed. */
  key: v.string(),
  name: v.string(),
  description: v.union(v.string(), v.null()),
  permissions: v.array(vRolePermission),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const vRoleRecord = v.object(roleRecordFields);
export type RoleRecord = Infer<typeof vRoleRecord>;

/** Who pays for a subscription: a user (`user_…`) or an organization (`org_…`). */
export const vPayerType = v.union(v.literal("user"), v.literal("organization"));
export type PayerType = Infer<typeof vPayerType>;

/** A Clerk Billing subscription: one per payer, holding one item per plan it went through. */
export const subscriptionRecordFields = {
  subscriptionId: v.string(),
  /** The paying user's or organization's Clerk id; null until a snapshot names the payer. */
  payerId: v.union(v.string(), v.null()),
  payerType: v.union(vPayerType, v.null()),
  /** Clerk's status as sent: `active`, `past_due`, `canceled`, `ended`, `abandoned`, `incomplete`. */
  status: v.string(),
  activeAt: v.union(v.number(), v.null()),
  pastDueAt: v.union(v.number(), v.null()),
  canceledAt: v.union(v.number(), v.null()),
  endedAt: v.union(v.number(), v.null()),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const vSubscriptionRecord = v.object(subscriptionRecordFields);
export type SubscriptionRecord = Infer<typeof vSubscriptionRecord>;

/** One plan of a subscription, for one period. */
export const subscriptionItemRecordFields = {
  itemId: v.string(),
  /** The subscription it belongs to; null until a snapshot says. */
  subscriptionId: v.union(v.string(), v.null()),
  payerId: v.union(v.string(), v.null()),
  payerType: v.union(vPayerType, v.null()),
  /**
   * Clerk's status as sent: `active`, `canceled` (ends with the period), `past_due`,
   * `upcoming`, `incomplete`, `ended`, `abandoned`, `expired`.
   */
  status: v.string(),
  isFreeTrial: v.boolean(),
  planId: v.union(v.string(), v.null()),
  /** The plan's key, as `has({ plan })` and the session token's `pla` name it. */
  planSlug: v.union(v.string(), v.null()),
  planName: v.union(v.string(), v.null()),
  /**
   * The plan's feature keys (slugs), when a payload listed them (Backend API plans do;
   * webhook payloads do not): null when unknown.
   */
  planFeatures: v.union(v.array(v.string()), v.null()),
  /** `month` or `annual`. */
  interval: v.union(v.string(), v.null()),
  periodStart: v.union(v.number(), v.null()),
  /** Null for a free (default) plan's item. */
  periodEnd: v.union(v.number(), v.null()),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const vSubscriptionItemRecord = v.object(subscriptionItemRecordFields);
export type SubscriptionItemRecord = Infer<typeof vSubscriptionItemRecord>;

/** Clerk's subscription events: each carries the whole subscription, whatever its name. */
export const SUBSCRIPTION_EVENT_TYPES = [
  "subscription.created",
  "subscription.updated",
  "subscription.active",
  "subscription.pastDue",
] as const;

/** Clerk's subscription item events: each carries the whole item, named after its new status. */
export const SUBSCRIPTION_ITEM_EVENT_TYPES = [
  "subscriptionItem.created",
  "subscriptionItem.updated",
  "subscriptionItem.active",
  "subscriptionItem.canceled",
  "subscriptionItem.upcoming",
  "subscriptionItem.ended",
  "subscriptionItem.abandoned",
  "subscriptionItem.incomplete",
  "subscriptionItem.pastDue",
  "subscriptionItem.freeTrialEnding",
] as const;

/** A payer's Clerk Billing as the host reads it (`ClerkSync.getSubscription`). */
export const vPayerBilling = v.object({
  /** The payer's newest subscription, or null when only item events arrived. */
  subscription: v.union(vSubscriptionRecord, v.null()),
  /** Items not yet over (active, canceled, past due, upcoming, incomplete), newest first. */
  items: v.array(vSubscriptionItemRecord),
  /** Slugs of the plans the payer is entitled to now. */
  plans: v.array(v.string()),
  /** Features of those plans, as far as payloads listed them (`planFeatures`). */
  features: v.array(v.string()),
});
export type PayerBilling = Infer<typeof vPayerBilling>;
