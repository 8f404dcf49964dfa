import type { UserJSON } from "@clerk/backend";
import { randomToken } from "./sign.js";

/** A Clerk webhook envelope as Svix delivers it. */
export type ClerkWebhookPayload<Data = Record<string, unknown>> = {
  data: Data;
  object: "event";
  type: string;
  instance_id: string;
  timestamp: number;
};

/** Fields of a user to override; `email: null` removes the email. */
export type UserOverrides = Partial<Omit<UserJSON, "id">> & {
  id?: string;
  /** Shorthand for one verified primary email address. */
  email?: string | null;
};

/** A Clerk user id of the real shape. */
export function newUserId(): string {
  return `user_${randomToken()}`;
}

/**
 * A user object as Clerk sends it, based on the example in Clerk's webhook docs,
 * with a fresh id and `overrides` on top.
 */
export function clerkUser(overrides: UserOverrides = {}): Record<string, unknown> & { id: string } {
  const { email, ...fields } = overrides;
  const id = fields.id ?? newUserId();
  const now = Date.now();
  const address = email === undefined ? `${id.toLowerCase()}@example.org` : email;
  const emailId = `idn_${randomToken()}`;
  return {
    birthday: "",
    created_at: now,
    email_addresses:
      address === null
        ? []
        : [
            {
              email_address: address,
              id: emailId,
              linked_to: [],
              object: "email_address",
              verification: { status: "verified", strategy: "ticket" },
            },
          ],
    external_accounts: [],
    external_id: null,
    first_name: "Example",
    gender: "",
    image_url: "https://img.clerk.com/xxxxxx",
    last_name: "Example",
    last_sign_in_at: now,
    object: "user",
    password_enabled: true,
    phone_numbers: [],
    primary_email_address_id: address === null ? null : emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    private_metadata: {},
    profile_image_url: "https://www.gravatar.com/avatar?d=mp",
    public_metadata: {},
    two_factor_enabled: false,
    unsafe_metadata: {},
    updated_at: now,
    username: null,
    web3_wallets: [],
    ...fields,
    id,
  };
}

/** The envelope Svix delivers `data` in, as Clerk's event `type`. */
export function envelope<Data>(type: string, data: Data): ClerkWebhookPayload<Data> {
  return { data, object: "event", type, instance_id: "ins_123", timestamp: Date.now() };
}

/** A `user.created` delivery. */
export function userCreated(overrides: UserOverrides = {}) {
  return envelope("user.created", clerkUser(overrides));
}

/** A `user.updated` delivery. Pass a later `updated_at` than the stored version. */
export function userUpdated(overrides: UserOverrides = {}) {
  return envelope("user.updated", clerkUser(overrides));
}

/** A `user.deleted` delivery: Clerk sends only the id and `deleted: true`. */
export function userDeleted(id: string) {
  return envelope("user.deleted", { id, object: "user", deleted: true });
}

/** A Clerk organization id of the real shape. */
export function newOrganizationId(): string {
  return `org_${randomToken()}`;
}

/** An organization object as Clerk sends it (from Clerk's documented example). */
export function clerkOrganization(overrides: Record<string, unknown> & { id?: string } = {}) {
  const id = overrides.id ?? newOrganizationId();
  const now = Date.now();
  return {
    object: "organization",
    name: "Acme Corp",
    slug: `acme-${id.slice(-8).toLowerCase()}`,
    image_url: "https://img.clerk.com/xxxxxx",
    has_image: true,
    members_count: 1,
    max_allowed_memberships: 5,
    admin_delete_enabled: true,
    public_metadata: {},
    private_metadata: {},
    created_by: null,
    created_at: now,
    updated_at: now,
    ...overrides,
    id,
  };
}

/**
 * A membership object as Clerk sends it: `userId`, `orgId` and `role` are shorthands for
 * `public_user_data.user_id`, the embedded organization's id and the role key.
 */
export function clerkMembership(
  overrides: Record<string, unknown> & { id?: string; userId?: string; orgId?: string; role?: string } = {},
) {
  const { userId, orgId, ...fields } = overrides;
  const now = Date.now();
  return {
    object: "organization_membership",
    role: "org:member",
    role_name: "Member",
    permissions: ["org:posts:read"],
    public_metadata: {},
    private_metadata: {},
    organization: clerkOrganization({ id: orgId ?? newOrganizationId(), updated_at: 0, created_at: 0 }),
    public_user_data: {
      user_id: userId ?? newUserId(),
      first_name: "Jane",
      last_name: "Doe",
      image_url: "https://img.clerk.com/yyyyy",
      has_image: true,
      identifier: "jane.doe@acme.com",
    },
    created_at: now,
    updated_at: now,
    ...fields,
    id: fields.id ?? `orgmem_${randomToken()}`,
  };
}

export function organizationCreated(overrides: Parameters<typeof clerkOrganization>[0] = {}) {
  return envelope("organization.created", clerkOrganization(overrides));
}
export function organizationUpdated(overrides: Parameters<typeof clerkOrganization>[0] = {}) {
  return envelope("organization.updated", clerkOrganization(overrides));
}
/** Clerk sends only the id, the slug and `deleted: true`. */
export function organizationDeleted(id: string, slug?: string) {
  return envelope("organization.deleted", { object: "organization", id, ...(slug ? { slug } : {}), deleted: true });
}
export function membershipCreated(overrides: Parameters<typeof clerkMembership>[0] = {}) {
  return envelope("organizationMembership.created", clerkMembership(overrides));
}
export function membershipUpdated(overrides: Parameters<typeof clerkMembership>[0] = {}) {
  return envelope("organizationMembership.updated", clerkMembership(overrides));
}
export function membershipDeleted(overrides: Parameters<typeof clerkMembership>[0] = {}) {
  return envelope("organizationMembership.deleted", clerkMembership(overrides));
}

/** A permission object as Clerk sends it (from Clerk's documented example). */
export function clerkPermission(overrides: Record<string, unknown> & { id?: string; key?: string } = {}) {
  const now = Date.now();
  return {
    object: "permission",
    name: "Create Posts",
    key: "org:posts:create",
    description: "Ability to create new posts in the organization",
    type: "custom",
    created_at: now,
    updated_at: now,
    ...overrides,
    id: overrides.id ?? `perm_${randomToken()}`,
  };
}

/**
 * A role object as Clerk sends it: `permissions` takes permission keys (each becomes a
 * permission object with a fresh id) or permission objects.
 */
export function clerkRole(
  overrides: Omit<Record<string, unknown>, "permissions"> & {
    id?: string;
    key?: string;
    permissions?: (string | ReturnType<typeof clerkPermission>)[];
  } = {},
) {
  const { permissions, ...fields } = overrides;
  const now = Date.now();
  return {
    object: "role",
    name: "Content Manager",
    key: "org:content_manager",
    description: "Can manage all content in the organization",
    is_creator_eligible: false,
    created_at: now,
    updated_at: now,
    ...fields,
    permissions: (permissions ?? ["org:posts:create"]).map((permission) =>
      typeof permission === "string" ? clerkPermission({ key: permission, updated_at: 0, created_at: 0 }) : permission,
    ),
    id: fields.id ?? `role_${randomToken()}`,
  };
}

export function roleCreated(overrides: Parameters<typeof clerkRole>[0] = {}) {
  return envelope("role.created", clerkRole(overrides));
}
export function roleUpdated(overrides: Parameters<typeof clerkRole>[0] = {}) {
  return envelope("role.updated", clerkRole(overrides));
}
/** Clerk sends only the id, `slug: null` and `deleted: true`. */
export function roleDeleted(id: string) {
  return envelope("role.deleted", { object: "role", id, slug: null, deleted: true });
}
export function permissionCreated(overrides: Parameters<typeof clerkPermission>[0] = {}) {
  return envelope("permission.created", clerkPermission(overrides));
}
export function permissionUpdated(overrides: Parameters<typeof clerkPermission>[0] = {}) {
  return envelope("permission.updated", clerkPermission(overrides));
}
/** Clerk sends only the id and `deleted: true`. */
export function permissionDeleted(id: string) {
  return envelope("permission.deleted", { object: "permission", id, deleted: true });
}

/**
 * An organization invitation as Clerk sends it (from Clerk's documented example): `orgId` is
 * a shorthand for `organization_id`.
 */
export function clerkInvitation(overrides: Record<string, unknown> & { id?: string; orgId?: string } = {}) {
  const { orgId, ...fields } = overrides;
  const now = Date.now();
  return {
    object: "organization_invitation",
    email_address: "jane.doe@acme.com",
    role: "org:member",
    role_name: "Member",
    organization_id: orgId ?? newOrganizationId(),
    inviter_id: null,
    status: "pending",
    public_metadata: {},
    private_metadata: {},
    url: `https://accounts.acme.com/accept-invitation?token=${randomToken()}`,
    expires_at: now + 30 * 24 * 60 * 60 * 1000,
    created_at: now,
    updated_at: now,
    ...fields,
    id: fields.id ?? `orginv_${randomToken()}`,
  };
}

/** An `organizationInvitation.created` delivery (status `pending`). */
export function invitationCreated(overrides: Parameters<typeof clerkInvitation>[0] = {}) {
  return envelope("organizationInvitation.created", clerkInvitation(overrides));
}
/** An `organizationInvitation.accepted` delivery: pass the accepting user's `user_id` and a later `updated_at`. */
export function invitationAccepted(overrides: Parameters<typeof clerkInvitation>[0] = {}) {
  return envelope("organizationInvitation.accepted", clerkInvitation({ status: "accepted", ...overrides }));
}
/** An `organizationInvitation.revoked` delivery: pass a later `updated_at`. */
export function invitationRevoked(overrides: Parameters<typeof clerkInvitation>[0] = {}) {
  return envelope("organizationInvitation.revoked", clerkInvitation({ status: "revoked", ...overrides }));
}
