import { v } from "convex/values";
import type { Doc } from "./_generated/dataModel.js";
import { query, type MutationCtx, type QueryCtx } from "./_generated/server.js";
import type { ChangeContext, ChangeOutcome } from "./changes.js";
import {
  vRoleRecord,
  type MembershipRecord,
  type PermissionRecord,
  type RolePermission,
  type RoleRecord,
} from "./records.js";
import { applySnapshot, type SyncedKind } from "./snapshots.js";

// Roles and permissions run no host hooks: what a host needs from them is the answer to
// a permission check, which follows them (effectivePermissions).
const noHook = async () => {};

/** Permissions under the snapshot rules. */
export const permissionKind: SyncedKind<"permissions", PermissionRecord> = {
  table: "permissions",
  idOf: (permission) => permission.permissionId,
  find: (ctx, permissionId) =>
    ctx.db
      .query("permissions")
      .withIndex("by_permission_id", (q) => q.eq("permissionId", permissionId))
      .unique(),
  toRow: (permission) => permission,
  toRecord: ({ _id, _creationTime, ...record }) => record,
  notify: noHook,
};

/** Roles under the snapshot rules. */
export const roleKind: SyncedKind<"roles", RoleRecord> = {
  table: "roles",
  idOf: (role) => role.roleId,
  find: (ctx, roleId) =>
    ctx.db
      .query("roles")
      .withIndex("by_role_id", (q) => q.eq("roleId", roleId))
      .unique(),
  toRow: (role) => role,
  toRecord: toRoleRecord,
  notify: noHook,
};

function toRoleRecord(row: Doc<"roles">): RoleRecord {
  const { _id, _creationTime, ...record } = row;
  return record;
}

/**
 * Store a role and the permission snapshots it carries (each under its own `updated_at`),
 * so the permissions table learns every permission a role grants.
 */
export async function applyRoleSnapshot(
  ctx: MutationCtx,
  role: RoleRecord,
  permissions: PermissionRecord[],
  context: ChangeContext,
): Promise<ChangeOutcome> {
  for (const permission of permissions) await applySnapshot(ctx, permissionKind, permission, context);
  return applySnapshot(ctx, roleKind, role, context);
}

/** The role with this key (the newest, should a deleted role's tombstone never have arrived). */
function roleByKey(ctx: QueryCtx, key: string) {
  return ctx.db
    .query("roles")
    .withIndex("by_key", (q) => q.eq("key", key))
    .order("desc")
    .first();
}

/** Roles already resolved within one query, by key. */
export type RoleCache = Map<string, Promise<RoleRecord | null>>;

/**
 * The one rule for what a membership may do: its role's current permission set when the
 * role is synced (Clerk sends `role.*`/`permission.*` events, not a membership event per
 * member, when a role's permissions change), else the permissions the membership carried.
 */
export async function effectivePermissions(
  ctx: QueryCtx,
  membership: Pick<MembershipRecord, "role" | "permissions">,
  cache: RoleCache = new Map(),
): Promise<string[]> {
  if (membership.role === "") return membership.permissions;
  let role = cache.get(membership.role);
  if (!role) {
    role = currentRole(ctx, membership.role);
    cache.set(membership.role, role);
  }
  const resolved = await role;
  return resolved ? [...new Set(resolved.permissions.map(({ key }) => key))] : membership.permissions;
}

/**
 * The synced role with this key, its permissions as they are now: a renamed one has its
 * current key; one no longer stored is left out. A role's snapshot stores every permission it
 * carries (`applyRoleSnapshot`), so a listed permission that is not stored was deleted, and
 * this holds after its tombstone expires. Indexed reads only: the role by key, then each of
 * its permissions by id.
 */
async function currentRole(ctx: QueryCtx, key: string): Promise<RoleRecord | null> {
  const row = await roleByKey(ctx, key);
  if (!row) return null;
  const role = toRoleRecord(row);
  const permissions = await Promise.all(
    role.permissions.map(async ({ permissionId }) => {
      const current = await permissionKind.find(ctx, permissionId);
      return current && { permissionId, key: current.key };
    }),
  );
  return { ...role, permissions: permissions.filter((p): p is RolePermission => p !== null && p.key !== "") };
}

/** A membership as the host sees it: `permissions` is the effective set. */
export async function withEffectivePermissions<M extends MembershipRecord>(
  ctx: QueryCtx,
  membership: M,
  cache?: RoleCache,
): Promise<M> {
  return { ...membership, permissions: await effectivePermissions(ctx, membership, cache) };
}

/** The role with this key and the permissions it grants now; null when not synced. */
export const getByKey = query({
  args: { key: v.string() },
  returns: v.union(vRoleRecord, v.null()),
  handler: (ctx, { key }) => currentRole(ctx, key),
});
