// What the stand-in for Clerk's Backend API holds: users, organizations, memberships,
// invitations, permissions, roles, plans and subscription items, as Clerk's JSON, with builders that
// create them as Clerk would (ids, dates in creation order).
import {
  clerkInvitation,
  clerkMembership,
  clerkOrganization,
  clerkPermission,
  clerkRole,
  clerkUser,
  type UserOverrides,
} from "../../src/events/payloads.js";
import { clerkSubscriptionItem, type PayerOverrides } from "../../src/events/billingPayloads.js";

export type StoredUser = Record<string, unknown> & { id: string; created_at: number; updated_at: number };
export type StoredObject = Record<string, unknown> & { id: string; created_at: number };
/** Clerk's plan JSON has no dates. */
export type StoredPlan = Record<string, unknown> & { id: string };

export type ClerkStore = {
  users: Map<string, StoredUser>;
  /** Users Clerk counts but never lists (a list that stays short of the count, whatever is asked). */
  hidden: Set<string>;
  addUsers(count: number, overrides?: (i: number) => UserOverrides): StoredUser[];
  /** Change a user as Clerk would: `updated_at` becomes now (unless given). */
  updateUser(id: string, fields?: Record<string, unknown>): StoredUser;
  organizations: Map<string, StoredObject>;
  memberships: Map<string, StoredObject>;
  addOrganization(overrides?: Record<string, unknown> & { id?: string }): StoredObject;
  /** A membership of `userId` in `orgId` (which must have been added), with its role and any other fields. */
  addMembership(orgId: string, userId: string, role?: string, overrides?: Record<string, unknown>): StoredObject;
  invitations: Map<string, StoredObject>;
  /** An invitation to `orgId` (which must have been added), pending unless `overrides` say otherwise. */
  addInvitation(orgId: string, overrides?: Record<string, unknown>): StoredObject;
  /** Delete an organization and, as Clerk does, its memberships and invitations. */
  deleteOrganization(id: string): void;
  permissions: Map<string, StoredObject>;
  roles: Map<string, StoredObject>;
  addPermission(overrides?: Parameters<typeof clerkPermission>[0]): StoredObject;
  /** A role granting `permissions` (objects added with `addPermission`). */
  addRole(key: string, permissions: StoredObject[], overrides?: Record<string, unknown>): StoredObject;
  plans: Map<string, StoredPlan>;
  subscriptionItems: Map<string, StoredObject>;
  /** A plan with these feature slugs; `free` makes it the default (free) plan. */
  addPlan(slug: string, features: string[], free?: boolean): StoredPlan;
  /** An item of `planSlug` (added with `addPlan`) paid by a user or an organization. */
  addSubscriptionItem(planSlug: string, payer: PayerOverrides, overrides?: Record<string, unknown>): StoredObject;
};

export function createClerkStore(): ClerkStore {
  const users = new Map<string, StoredUser>();
  const organizations = new Map<string, StoredObject>();
  const memberships = new Map<string, StoredObject>();
  const invitations = new Map<string, StoredObject>();
  const permissions = new Map<string, StoredObject>();
  const roles = new Map<string, StoredObject>();
  const plans = new Map<string, StoredPlan>();
  const subscriptionItems = new Map<string, StoredObject>();
  let nextCreatedAt = 1_700_000_000_000;
  return {
    users,
    hidden: new Set<string>(),
    organizations,
    memberships,
    invitations,
    permissions,
    roles,
    plans,
    subscriptionItems,
    addUsers(count, overrides) {
      const added: StoredUser[] = [];
      for (let i = 0; i < count; i++) {
        const createdAt = nextCreatedAt++;
        const user = clerkUser({
          id: `user_${String(users.size).padStart(6, "0")}${Math.random().toString(36).slice(2, 8)}`,
          first_name: `User${users.size}`,
          created_at: createdAt,
          updated_at: createdAt,
          ...overrides?.(i),
        }) as StoredUser;
        users.set(user.id, user);
        added.push(user);
      }
      return added;
    },
    updateUser(id, fields = {}) {
      const user = users.get(id);
      if (!user) throw new Error(`no user ${id} in the stand-in`);
      const updated = { ...user, updated_at: Date.now(), ...fields } as StoredUser;
      users.set(id, updated);
      return updated;
    },
    addOrganization(overrides = {}) {
      const createdAt = nextCreatedAt++;
      const org = clerkOrganization({ created_at: createdAt, updated_at: createdAt, ...overrides }) as StoredObject;
      organizations.set(org.id, org);
      return org;
    },
    addMembership(orgId, userId, role = "org:member", overrides = {}) {
      const createdAt = nextCreatedAt++;
      const membership = clerkMembership({
        orgId,
        userId,
        role,
        created_at: createdAt,
        updated_at: createdAt,
        ...overrides,
      }) as StoredObject;
      membership.organization = organizations.get(orgId);
      memberships.set(membership.id, membership);
      return membership;
    },
    addInvitation(orgId, overrides = {}) {
      if (!organizations.has(orgId)) throw new Error(`no organization ${orgId} in the stand-in`);
      const createdAt = nextCreatedAt++;
      const invitation = clerkInvitation({ orgId, created_at: createdAt, updated_at: createdAt, ...overrides });
      invitations.set(invitation.id, invitation);
      return invitation;
    },
    addPermission(overrides = {}) {
      const createdAt = nextCreatedAt++;
      const permission = clerkPermission({ created_at: createdAt, updated_at: createdAt, ...overrides });
      permissions.set(permission.id, permission);
      return permission;
    },
    addRole(key, granted, overrides = {}) {
      const createdAt = nextCreatedAt++;
      const role = clerkRole({
        key,
        name: key,
        created_at: createdAt,
        updated_at: createdAt,
        ...overrides,
        permissions: granted as ReturnType<typeof clerkPermission>[],
      });
      roles.set(role.id, role);
      return role;
    },
    addPlan(slug, features, free = false) {
      const plan: StoredPlan = {
        object: "commerce_plan",
        id: `cplan_${slug}`,
        name: slug,
        slug,
        is_default: free,
        has_base_fee: !free,
        features: features.map((feature) => ({
          object: "feature",
          id: `feat_${feature}`,
          name: feature,
          slug: feature,
        })),
      };
      plans.set(plan.id, plan);
      return plan;
    },
    addSubscriptionItem(planSlug, payer, overrides = {}) {
      const plan = plans.get(`cplan_${planSlug}`);
      if (!plan) throw new Error(`no plan ${planSlug} in the stand-in`);
      const createdAt = nextCreatedAt++;
      const { features: _features, ...planWithoutFeatures } = plan;
      const item = {
        ...clerkSubscriptionItem({
          plan: planSlug,
          payer,
          created_at: createdAt,
          updated_at: createdAt,
          plan_period: "month",
          ...(plan.is_default === true ? { period_end: null } : {}),
          ...overrides,
        }),
        // Without its features: the backfill reads them from the plan list.
        plan: planWithoutFeatures,
      } as StoredObject;
      subscriptionItems.set(item.id, item);
      return item;
    },
    deleteOrganization(id) {
      organizations.delete(id);
      for (const [membershipId, membership] of memberships) {
        if ((membership.organization as StoredObject | undefined)?.id === id) memberships.delete(membershipId);
      }
      for (const [invitationId, invitation] of invitations) {
        if (invitation.organization_id === id) invitations.delete(invitationId);
      }
    },
  };
}
