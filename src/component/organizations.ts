import { v } from "convex/values";
import type { Doc } from "./_generated/dataModel.js";
import { query } from "./_generated/server.js";
import { scheduleBillingCleanup } from "./billing.js";
import type { OrganizationHookEvent } from "./changes.js";
import { scheduleInvitationCleanup } from "./invitations.js";
import { scheduleMembershipCleanup } from "./memberships.js";
import { vOrganizationRecord, type OrganizationRecord } from "./records.js";
import { runHook, type SyncedKind } from "./snapshots.js";

/** Organizations under the snapshot rules. */
export const organizationKind: SyncedKind<"organizations", OrganizationRecord> = {
  table: "organizations",
  idOf: (organization) => organization.orgId,
  find: (ctx, orgId) =>
    ctx.db
      .query("organizations")
      .withIndex("by_org_id", (q) => q.eq("orgId", orgId))
      .unique(),
  toRow: (organization) => organization,
  toRecord: toOrganizationRecord,
  notify: (ctx, { source, hooks }, change) => {
    const orgId = change.id;
    const event: OrganizationHookEvent =
      change.type === "created"
        ? { type: "organization.created", orgId, organization: change.record, previous: null, source }
        : change.type === "updated"
          ? { type: "organization.updated", orgId, organization: change.record, previous: change.previous, source }
          : { type: "organization.deleted", orgId, organization: null, previous: change.previous, source };
    return runHook(ctx, hooks.onOrganizationEvent, event);
  },
  // Memberships, invitations and billing may have arrived before (or without) the organization itself.
  afterDelete: async (ctx, orgId, context) => {
    await scheduleMembershipCleanup(ctx, { orgId }, context);
    await scheduleInvitationCleanup(ctx, orgId, context);
    await scheduleBillingCleanup(ctx, orgId, context);
  },
};

export function toOrganizationRecord(row: Doc<"organizations">): OrganizationRecord {
  const { _id, _creationTime, ...record } = row;
  return record;
}

export const get = query({
  args: { orgId: v.string() },
  returns: v.union(vOrganizationRecord, v.null()),
  handler: async (ctx, { orgId }) => {
    const row = await organizationKind.find(ctx, orgId);
    return row && toOrganizationRecord(row);
  },
});

export const getBySlug = query({
  args: { slug: v.string() },
  returns: v.union(vOrganizationRecord, v.null()),
  handler: async (ctx, { slug }) => {
    const row = await ctx.db
      .query("organizations")
      .withIndex("by_slug", (q) => q.eq("slug", slug))
      .first();
    return row && toOrganizationRecord(row);
  },
});
