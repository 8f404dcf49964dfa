import { v } from "convex/values";
import { vPermissionRecord, vRoleRecord, type PermissionRecord, type RoleRecord } from "../records.js";
import { applyRoleSnapshot, roleKind } from "../roles.js";
import { applyDeletion } from "../snapshots.js";
import { countOutcome, markSeen, runContext, type BackfillSource } from "./source.js";

/**
 * Roles per page at most: each carries its permissions, each stored as its own snapshot
 * (two index reads), so a page of 50 roles with 20 distinct permissions each stays within
 * a mutation's 4,096 index reads.
 */
const ROLE_PAGE = 50;

type RoleWithPermissions = { role: RoleRecord; permissions: PermissionRecord[] };

/** The instance's organization roles (with `organizations`), each with the permissions it carries: oldest first, by offset. */
export const roleSource: BackfillSource<RoleWithPermissions, "roles"> = {
  kind: "roles",
  item: v.object({ role: vRoleRecord, permissions: v.array(vPermissionRecord) }),
  option: "organizations",
  maxPage: ROLE_PAGE,
  listing: () => ({ paging: "offset", descending: false }),
  entry: ({ role }) => ({ id: role.roleId, key: role.createdAt }),
  store: async (ctx, run, roles, tally) => {
    // Roles share permissions: each permission snapshot of the page is stored once.
    const applied = new Set<string>();
    for (const { role, permissions } of roles) {
      const unapplied = permissions.filter(({ permissionId }) => !applied.has(permissionId));
      for (const { permissionId } of unapplied) applied.add(permissionId);
      const outcome = await applyRoleSnapshot(ctx, role, unapplied, runContext(run));
      await countOutcome(ctx, tally, outcome, { id: role.roleId, changedAt: role.updatedAt });
      await markSeen(ctx, run, role.roleId);
    }
    tally.counts.seen += roles.length;
  },
  reconcile: {
    scan: async (ctx, after, n) => {
      const rows = await ctx.db
        .query("roles")
        .withIndex("by_role_id", (q) => (after === null ? q : q.gt("roleId", after)))
        .take(n);
      return rows.map((row) => ({ candidate: { id: row.roleId }, creationTime: row._creationTime }));
    },
    remove: (ctx, id, context) => applyDeletion(ctx, roleKind, id, context),
  },
};
