import { applyMembershipSnapshots, membershipKind } from "../memberships.js";
import { vMembershipWithOrganization, type MembershipWithOrganization } from "../records.js";
import { applyDeletion } from "../snapshots.js";
import { isTombstoned } from "../tombstones.js";
import { countOutcome, markSeen, runContext, type BackfillSource } from "./source.js";

/**
 * The instance's memberships (with `organizations`), each with its organization: oldest first,
 * by offset. Reconciled by organization: Clerk confirms up to 100 members of one in a request.
 */
export const membershipSource: BackfillSource<MembershipWithOrganization, "memberships"> = {
  kind: "memberships",
  item: vMembershipWithOrganization,
  option: "organizations",
  listing: () => ({ paging: "offset", descending: false }),
  entry: ({ membership }) => ({ id: membership.membershipId, key: membership.createdAt }),
  store: async (ctx, run, memberships, tally) => {
    const outcomes = await applyMembershipSnapshots(ctx, memberships, runContext(run));
    for (const [i, outcome] of outcomes.entries()) {
      const { membershipId, updatedAt } = memberships[i]!.membership;
      await countOutcome(ctx, tally, outcome, { id: membershipId, changedAt: updatedAt });
    }
    for (const { membership } of memberships) await markSeen(ctx, run, membership.membershipId);
    tally.counts.seen += memberships.length;
  },
  reconcile: {
    scan: async (ctx, after, n) => {
      const rows = await ctx.db
        .query("memberships")
        .withIndex("by_membership_id", (q) => (after === null ? q : q.gt("membershipId", after)))
        .take(n);
      return rows.map(({ membershipId, orgId, clerkId, _creationTime }) => ({
        candidate: { id: membershipId, orgId, userId: clerkId },
        creationTime: _creationTime,
      }));
    },
    // A deleted organization's or user's memberships are already being removed with it.
    skip: async (ctx, { orgId, userId }) =>
      (orgId !== undefined && (await isTombstoned(ctx, orgId))) ||
      (typeof userId === "string" && (await isTombstoned(ctx, userId))),
    remove: (ctx, id, context) => applyDeletion(ctx, membershipKind, id, context),
  },
};
