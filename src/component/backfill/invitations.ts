import { invitationKind } from "../invitations.js";
import { vInvitationRecord, type InvitationRecord } from "../records.js";
import { applyDeletion } from "../snapshots.js";
import { storeEach, type BackfillSource } from "./source.js";

/**
 * The instance's organization invitations (with `organizations`), every status: oldest first,
 * by offset. A listed status Clerk changed without an event (`expired`) is stored as it comes,
 * and is no repair: no webhook was missed.
 * Reconciled one by one (Clerk keeps invitations until their organization is deleted, which
 * removes them here first).
 */
export const invitationSource: BackfillSource<InvitationRecord, "invitations"> = {
  kind: "invitations",
  item: vInvitationRecord,
  option: "organizations",
  listing: () => ({ paging: "offset", descending: false }),
  entry: (invitation) => ({ id: invitation.invitationId, key: invitation.createdAt }),
  store: (ctx, run, invitations, tally) =>
    storeEach(ctx, run, invitationKind, invitations, tally, (invitation) => invitation.status === "expired"),
  reconcile: {
    scan: async (ctx, after, n) => {
      const rows = await ctx.db
        .query("invitations")
        .withIndex("by_invitationId", (q) => (after === null ? q : q.gt("invitationId", after)))
        .take(n);
      return rows.map(({ invitationId, orgId, _creationTime }) => ({
        candidate: { id: invitationId, orgId },
        creationTime: _creationTime,
      }));
    },
    remove: (ctx, id, context) => applyDeletion(ctx, invitationKind, id, context),
  },
};
