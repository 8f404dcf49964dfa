import type { OrganizationRecord } from "../../component/records.js";
import { answersNotFound } from "../clerkApi.js";
import { normalizeOrganization } from "../normalize.js";
import { goneOneByOne, offsetOf, type ClientSource } from "./source.js";

/** Organizations, oldest first (Clerk offers offset paging only for them); gone when Clerk answers 404. */
export const organizations: ClientSource<OrganizationRecord> = {
  list: async (api, position, limit) => {
    const offset = offsetOf(position);
    const { data, totalCount } = await api.call((client) =>
      client.organizations.getOrganizationList({ limit, offset, orderBy: "+created_at" }),
    );
    return { items: data.map((org) => normalizeOrganization(org.raw!)), total: totalCount };
  },
  gone: (api, candidates) =>
    goneOneByOne(api, candidates, (api, organizationId) =>
      answersNotFound(api, (client) => client.organizations.getOrganization({ organizationId })),
    ),
};
