import { organizationKind } from "../organizations.js";
import { vOrganizationRecord, type OrganizationRecord } from "../records.js";
import { applyDeletion } from "../snapshots.js";
import { storeEach, type BackfillSource } from "./source.js";

/** Organizations (with `organizations`): oldest first, by offset (Clerk offers no cursor for them). */
export const organizationSource: BackfillSource<OrganizationRecord, "organizations"> = {
  kind: "organizations",
  item: vOrganizationRecord,
  option: "organizations",
  listing: () => ({ paging: "offset", descending: false }),
  entry: (organization) => ({ id: organization.orgId, key: organization.createdAt }),
  store: (ctx, run, organizations, tally) => storeEach(ctx, run, organizationKind, organizations, tally),
  reconcile: {
    scan: async (ctx, after, n) => {
      const rows = await ctx.db
        .query("organizations")
        .withIndex("by_org_id", (q) => (after === null ? q : q.gt("orgId", after)))
        .take(n);
      return rows.map((row) => ({ candidate: { id: row.orgId }, creationTime: row._creationTime }));
    },
    remove: (ctx, id, context) => applyDeletion(ctx, organizationKind, id, context),
  },
};
