import type { PermissionRecord } from "../../component/records.js";
import { answersNotFound, listData } from "../clerkApi.js";
import { normalizePermission } from "../normalize.js";
import { goneOneByOne, offsetOf, type ClientSource } from "./source.js";

// `@clerk/backend`'s Permission object drops the permission's `type` (system or custom) and
// keeps no raw JSON, so the list is read as JSON, for the webhook normalizer.

/** The instance's organization permissions, oldest first (offset paging only); gone when Clerk answers 404. */
export const permissions: ClientSource<PermissionRecord> = {
  list: async (api, position, limit) => {
    const query = { limit, offset: offsetOf(position), order_by: "+created_at" };
    const { data, total } = listData(await api.get("/organization_permissions", query), "permissions");
    return { items: data.map(normalizePermission), ...(total !== undefined ? { total } : {}) };
  },
  gone: (api, candidates) =>
    goneOneByOne(api, candidates, (api, id) =>
      answersNotFound(api, (client) => client.organizationPermissions.getOrganizationPermission(id)),
    ),
};
