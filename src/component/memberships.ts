import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { paginator } from "convex-helpers/server/pagination";
import { internal } from "./_generated/api.js";
import type { Doc } from "./_generated/dataModel.js";
import { internalMutation, query, type MutationCtx } from "./_generated/server.js";
import {
  vChangeSource,
  vHookHandles,
  type ChangeContext,
  type ChangeOutcome,
  type OrganizationHookEvent,
} from "./changes.js";
import { organizationKind, toOrganizationRecord } from "./organizations.js";
import {
  vMembershipRecord,
  vMembershipWithOrganization,
  type MembershipRecord,
  type MembershipWithOrganization,
  type OrganizationRecord,
} from "./records.js";
import { withEffectivePermissions, type RoleCache } from "./roles.js";
import schema from "./schema.js";
import { applySnapshot, removeRow, runHook, type SyncedKind } from "./snapshots.js";

/** Memberships deleted per scheduled step when an organization or a user is deleted. */
const CLEANUP_BATCH = 200;
/** The most organizations `listForUser` returns (Clerk's default cap per user is 100). */
const MAX_ORGANIZATIONS_PER_USER = 500;

/** Memberships under the snapshot rules. */
export const membershipKind: SyncedKind<"memberships", MembershipRecord> = {
  table: "memberships",
  idOf: (membership) => membership.membershipId,
  find: (ctx, membershipId) =>
    ctx.db
      .query("memberships")
      .withIndex("by_membership_id", (q) => q.eq("membershipId", membershipId))
      .unique(),
  toRow: (membership) => membership,
  toRecord: toMembershipRecord,
  // A deleted organization's or user's memberships stay deleted.
  parentsOf: (membership) => [membership.orgId, membership.clerkId],
  // Any snapshot that names the member (older, equal or newer) keeps who the member is:
  // a payload without `public_user_data` must never hide it.
  merge: (newer, older) =>
    newer.clerkId !== null || older.clerkId === null ? newer : { ...newer, clerkId: older.clerkId },
  notify: (ctx, { source, hooks }, change) => {
    const membershipId = change.id;
    const event: OrganizationHookEvent =
      change.type === "created"
        ? { type: "organizationMembership.created", membershipId, membership: change.record, previous: null, source }
        : change.type === "updated"
          ? {
              type: "organizationMembership.updated",
              membershipId,
              membership: change.record,
              previous: change.previous,
              source,
            }
          : {
              type: "organizationMembership.deleted",
              membershipId,
              membership: null,
              previous: change.previous,
              source,
            };
    return runHook(ctx, hooks.onOrganizationEvent, event);
  },
};

function toMembershipRecord(row: Doc<"memberships">): MembershipRecord {
  const { _id, _creationTime, ...record } = row;
  return record;
}

/**
 * The only place a membership and the organization snapshots it carries are stored.
 * Memberships of one organization carry the same organization snapshot: each organization
 * is applied once (its newest version), so a page of memberships stays well under a
 * mutation's limits. Answers each membership's outcome, in order.
 */
export async function applyMembershipSnapshots(
  ctx: MutationCtx,
  items: MembershipWithOrganization[],
  context: ChangeContext,
): Promise<ChangeOutcome[]> {
  const organizations = new Map<string, OrganizationRecord>();
  for (const { organization } of items) {
    const known = organization && organizations.get(organization.orgId);
    if (organization && (!known || known.updatedAt < organization.updatedAt)) {
      organizations.set(organization.orgId, organization);
    }
  }
  for (const organization of organizations.values()) await applySnapshot(ctx, organizationKind, organization, context);
  const outcomes: ChangeOutcome[] = [];
  for (const { membership } of items) outcomes.push(await applySnapshot(ctx, membershipKind, membership, context));
  return outcomes;
}

export const getMembership = query({
  args: { orgId: v.string(), clerkId: v.string() },
  returns: v.union(vMembershipRecord, v.null()),
  handler: async (ctx, { orgId, clerkId }) => {
    const row = await ctx.db
      .query("memberships")
      .withIndex("by_org_user", (q) => q.eq("orgId", orgId).eq("clerkId", clerkId))
      .first();
    return row && withEffectivePermissions(ctx, toMembershipRecord(row));
  },
});

/** A page of an organization's memberships, by index range (a component cannot use built-in pagination). */
export const listMembers = query({
  args: { orgId: v.string(), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vMembershipRecord),
  handler: async (ctx, { orgId, paginationOpts }) => {
    const result = await paginator(ctx.db, schema)
      .query("memberships")
      .withIndex("by_org_user", (q) => q.eq("orgId", orgId))
      .paginate(paginationOpts);
    const roles: RoleCache = new Map();
    const page = await Promise.all(
      result.page.map((row) => withEffectivePermissions(ctx, toMembershipRecord(row), roles)),
    );
    return { page, isDone: result.isDone, continueCursor: result.continueCursor };
  },
});

/** A user's memberships with their organizations (an organization not synced yet is null). */
export const listForUser = query({
  args: { clerkId: v.string() },
  returns: v.array(vMembershipWithOrganization),
  handler: async (ctx, { clerkId }) => {
    const memberships = await ctx.db
      .query("memberships")
      .withIndex("by_user", (q) => q.eq("clerkId", clerkId))
      .take(MAX_ORGANIZATIONS_PER_USER);
    const roles: RoleCache = new Map();
    return Promise.all(
      memberships.map(async (row) => {
        const organization = await organizationKind.find(ctx, row.orgId);
        const membership = await withEffectivePermissions(ctx, toMembershipRecord(row), roles);
        return { membership, organization: organization && toOrganizationRecord(organization) };
      }),
    );
  },
});

type MembershipsOf = { orgId: string } | { clerkId: string };
const vMembershipsOf = v.union(v.object({ orgId: v.string() }), v.object({ clerkId: v.string() }));

/** Schedule the deletion of an organization's or a user's memberships, if there are any. */
export async function scheduleMembershipCleanup(ctx: MutationCtx, of: MembershipsOf, context: ChangeContext) {
  const first = await membershipsOf(ctx, of, 1);
  if (first.length > 0) {
    await ctx.scheduler.runAfter(0, internal.memberships.deleteMemberships, {
      of,
      source: context.source,
      hooks: context.hooks,
    });
  }
}

function membershipsOf(ctx: MutationCtx, of: MembershipsOf, count: number) {
  return "orgId" in of
    ? ctx.db
        .query("memberships")
        .withIndex("by_org_user", (q) => q.eq("orgId", of.orgId))
        .take(count)
    : ctx.db
        .query("memberships")
        .withIndex("by_user", (q) => q.eq("clerkId", of.clerkId))
        .take(count);
}

/** Delete a batch of a deleted organization's or user's memberships; reschedule while more remain. */
export const deleteMemberships = internalMutation({
  args: { of: vMembershipsOf, source: vChangeSource, hooks: vHookHandles },
  returns: v.number(),
  handler: async (ctx, { of, source, hooks }) => {
    const rows = await membershipsOf(ctx, of, CLEANUP_BATCH);
    for (const row of rows) await removeRow(ctx, membershipKind, row, { source, hooks });
    if (rows.length === CLEANUP_BATCH) {
      await ctx.scheduler.runAfter(0, internal.memberships.deleteMemberships, { of, source, hooks });
    }
    return rows.length;
  },
});
