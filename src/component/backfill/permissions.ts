import { vPermissionRecord, type PermissionRecord } from "../records.js";
import { permissionKind } from "../roles.js";
import { applyDeletion } from "../snapshots.js";
import { storeEach, type BackfillSource } from "./source.js";

/** The instance's organization permissions (with `organizations`): oldest first, by offset. */
export const permissionSource: BackfillSource<PermissionRecord, "permissions"> = {
  kind: "permissions",
  item: vPermissionRecord,
  option: "organizations",
  listing: () => ({ paging: "offset", descending: false }),
  entry: (permission) => ({ id: permission.permissionId, key: permission.createdAt }),
  store: (ctx, run, permissions, tally) => storeEach(ctx, run, permissionKind, permissions, tally),
  reconcile: {
    scan: async (ctx, after, n) => {
      const rows = await ctx.db
        .query("permissions")
        .withIndex("by_permission_id", (q) => (after === null ? q : q.gt("permissionId", after)))
        .take(n);
      return rows.map((row) => ({ candidate: { id: row.permissionId }, creationTime: row._creationTime }));
    },
    remove: (ctx, id, context) => applyDeletion(ctx, permissionKind, id, context),
  },
};
