import type { InvitationRecord } from "../../component/records.js";
import { answersNotFound, listData } from "../clerkApi.js";
import { normalizeInvitation } from "../normalize.js";
import { goneOneByOne, offsetOf, type ClientSource } from "./source.js";

// `@clerk/backend` lists invitations one organization at a time; the instance's list
// (`GET /organization_invitations`, every status) is read as JSON.

/**
 * The instance's organization invitations, oldest first (offset paging only); gone when Clerk
 * answers 404 for the invitation in its organization.
 */
export const invitations: ClientSource<InvitationRecord> = {
  list: async (api, position, limit) => {
    const query = { limit, offset: offsetOf(position), order_by: "+created_at" };
    const { data, total } = listData(await api.get("/organization_invitations", query), "invitations");
    const items = data.flatMap((invitation) => normalizeInvitation(invitation) ?? []);
    return { items, ...(total !== undefined ? { total } : {}) };
  },
  gone: (api, candidates) => {
    const orgOf = new Map(candidates.map(({ id, orgId }) => [id, orgId ?? ""]));
    return goneOneByOne(api, candidates, (api, invitationId) =>
      answersNotFound(api, (client) =>
        client.organizations.getOrganizationInvitation({ organizationId: orgOf.get(invitationId) ?? "", invitationId }),
      ),
    );
  },
};
