import type { PermissionRecord, RoleRecord } from "../../component/records.js";
import { answersNotFound, listData } from "../clerkApi.js";
import { normalizePermission, normalizeRole } from "../normalize.js";
import { goneOneByOne, offsetOf, type ClientSource } from "./source.js";

// `@clerk/backend`'s Role object drops its permissions' `type` and keeps no raw JSON, so the
// list is read as JSON, for the webhook normalizers.

/** The instance's organization roles, oldest first (offset paging only), each with the permissions it carries. */
export const roles: ClientSource<{ role: RoleRecord; permissions: PermissionRecord[] }> = {
  list: async (api, position, limit) => {
    const query = { limit, offset: offsetOf(position), order_by: "+created_at" };
    const { data, total } = listData(await api.get("/organization_roles", query), "roles");
    const items = data.map((role) => ({
      role: normalizeRole(role),
      permissions: listData(role["permissions"] ?? [], "permissions").data.map(normalizePermission),
    }));
    return { items, ...(total !== undefined ? { total } : {}) };
  },
  gone: (api, candidates) =>
    goneOneByOne(api, candidates, (api, id) =>
      answersNotFound(api, (client) => client.organizationRoles.getOrganizationRole(id)),
    ),
};
