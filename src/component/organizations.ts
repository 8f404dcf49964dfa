import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import type { Doc } from "./_generated/dataModel.js";
import { internalMutation, query, type MutationCtx } from "./_generated/server.js";
import { runOrganizationHook, type Hooks } from "./hooks.js";
import { isTombstoned, writeTombstone } from "./tombstones.js";
import {
  hooksValidator,
  membershipRecord,
  type Change,
  organizationRecord,
  type MembershipRecord,
  type OrganizationRecord,
} from "./validators.js";

/** Memberships deleted per scheduled step when an organization or a user is deleted. */
const CLEANUP_BATCH = 200;
/** The most organizations `listForUser` returns (Clerk's default cap per user is 100). */
const MAX_ORGANIZATIONS_PER_USER = 500;

function toOrganization(row: Doc<"organizations">): OrganizationRecord {
  const { _id, _creationTime, ...record } = row;
  return record;
}
function toMembership(row: Doc<"memberships">): MembershipRecord {
  const { _id, _creationTime, ...record } = row;
  return record;
}

export const get = query({
  args: { orgId: v.string() },
  returns: v.union(organizationRecord, v.null()),
  handler: async (ctx, { orgId }) => {
    const row = await ctx.db
      .query("organizations")
      .withIndex("by_org_id", (q) => q.eq("orgId", orgId))
      .unique();
    return row && toOrganization(row);
  },
});

export const getBySlug = query({
  args: { slug: v.string() },
  returns: v.union(organizationRecord, v.null()),
  handler: async (ctx, { slug }) => {
    const row = await ctx.db
      .query("organizations")
      .withIndex("by_slug", (q) => q.eq("slug", slug))
      .first();
    return row && toOrganization(row);
  },
});

export const getMembership = query({
  args: { orgId: v.string(), clerkId: v.string() },
  returns: v.union(membershipRecord, v.null()),
  handler: async (ctx, { orgId, clerkId }) => {
    const row = await ctx.db
      .query("memberships")
      .withIndex("by_org_user", (q) => q.eq("orgId", orgId).eq("clerkId", clerkId))
      .first();
    return row && toMembership(row);
  },
});

export const listMembers = query({
  args: { orgId: v.string(), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(membershipRecord),
  handler: async (ctx, { orgId, paginationOpts }) => {
    const result = await ctx.db
      .query("memberships")
      .withIndex("by_org_user", (q) => q.eq("orgId", orgId))
      .paginate(paginationOpts);
    return { ...result, page: result.page.map(toMembership) };
  },
});

/** A user's memberships with their organizations (an organization not synced yet is null). */
export const listForUser = query({
  args: { clerkId: v.string() },
  returns: v.array(v.object({ membership: membershipRecord, organization: v.union(organizationRecord, v.null()) })),
  handler: async (ctx, { clerkId }) => {
    const memberships = await ctx.db
      .query("memberships")
      .withIndex("by_user", (q) => q.eq("clerkId", clerkId))
      .take(MAX_ORGANIZATIONS_PER_USER);
    return Promise.all(
      memberships.map(async (row) => {
        const org = await ctx.db
          .query("organizations")
          .withIndex("by_org_id", (q) => q.eq("orgId", row.orgId))
          .unique();
        return { membership: toMembership(row), organization: org && toOrganization(org) };
      }),
    );
  },
});

/** Store an organization snapshot: newer than stored wins; a deleted organization stays deleted. */
export async function applyOrganizationSnapshot(
  ctx: MutationCtx,
  organization: OrganizationRecord,
  hooks: Hooks,
): Promise<Change> {
  const { orgId } = organization;
  if (await isTombstoned(ctx, orgId)) return { outcome: "stale" };
  const existing = await ctx.db
    .query("organizations")
    .withIndex("by_org_id", (q) => q.eq("orgId", orgId))
    .unique();
  if (!existing) {
    await ctx.db.insert("organizations", organization);
    await runOrganizationHook(ctx, hooks, { type: "organization.created", orgId, organization, previous: null, source: hooks.source });
    return { outcome: "inserted" };
  }
  const previous = toOrganization(existing);
  if (existing.updatedAt > organization.updatedAt) return { outcome: "stale" };
  if (existing.updatedAt === organization.updatedAt) return { outcome: "unchanged" };
  await ctx.db.replace(existing._id, organization);
  await runOrganizationHook(ctx, hooks, { type: "organization.updated", orgId, organization, previous, source: hooks.source });
  return { outcome: "updated" };
}

/** Delete an organization, leave a tombstone, and delete its memberships in batches. */
export async function applyOrganizationDeletion(ctx: MutationCtx, orgId: string, hooks: Hooks): Promise<Change> {
  const existing = await ctx.db
    .query("organizations")
    .withIndex("by_org_id", (q) => q.eq("orgId", orgId))
    .unique();
  const wasTombstoned = await writeTombstone(ctx, orgId);
  if (!existing && wasTombstoned) return { outcome: "unchanged" };
  // Memberships may have arrived before (or without) the organization itself.
  await scheduleMembershipCleanup(ctx, { orgId }, hooks);
  if (!existing) return { outcome: "tombstoned" };
  await ctx.db.delete(existing._id);
  const previous = toOrganization(existing);
  await runOrganizationHook(ctx, hooks, { type: "organization.deleted", orgId, organization: null, previous, source: hooks.source });
  return { outcome: "deleted" };
}

/**
 * Store a membership snapshot, and the organization snapshot it carries. A membership
 * of a deleted organization or user is stale; one that arrives first is stored anyway.
 */
export async function applyMembershipSnapshot(
  ctx: MutationCtx,
  membership: MembershipRecord,
  organization: OrganizationRecord | null,
  hooks: Hooks,
): Promise<Change> {
  const { membershipId } = membership;
  if (
    (await isTombstoned(ctx, membershipId)) ||
    (await isTombstoned(ctx, membership.orgId)) ||
    (membership.clerkId !== null && (await isTombstoned(ctx, membership.clerkId)))
  ) {
    return { outcome: "stale" };
  }
  if (organization) await applyOrganizationSnapshot(ctx, organization, hooks);
  const existing = await ctx.db
    .query("memberships")
    .withIndex("by_membership_id", (q) => q.eq("membershipId", membershipId))
    .unique();
  if (!existing) {
    await ctx.db.insert("memberships", membership);
    await runOrganizationHook(ctx, hooks, {
      type: "organizationMembership.created",
      membershipId,
      membership,
      previous: null,
      source: hooks.source,
    });
    return { outcome: "inserted" };
  }
  const previous = toMembership(existing);
  if (existing.updatedAt > membership.updatedAt) return { outcome: "stale" };
  if (existing.updatedAt === membership.updatedAt) return { outcome: "unchanged" };
  // A later snapshot without public_user_data does not forget who the member is.
  const stored = { ...membership, clerkId: membership.clerkId ?? existing.clerkId };
  await ctx.db.replace(existing._id, stored);
  await runOrganizationHook(ctx, hooks, {
    type: "organizationMembership.updated",
    membershipId,
    membership: stored,
    previous,
    source: hooks.source,
  });
  return { outcome: "updated" };
}

export async function applyMembershipDeletion(ctx: MutationCtx, membershipId: string, hooks: Hooks): Promise<Change> {
  const existing = await ctx.db
    .query("memberships")
    .withIndex("by_membership_id", (q) => q.eq("membershipId", membershipId))
    .unique();
  const wasTombstoned = await writeTombstone(ctx, membershipId);
  if (!existing && wasTombstoned) return { outcome: "unchanged" };
  if (!existing) return { outcome: "tombstoned" };
  await deleteMembership(ctx, existing, hooks);
  return { outcome: "deleted" };
}

async function deleteMembership(ctx: MutationCtx, row: Doc<"memberships">, hooks: Hooks) {
  await ctx.db.delete(row._id);
  await runOrganizationHook(ctx, hooks, {
    type: "organizationMembership.deleted",
    membershipId: row.membershipId,
    membership: null,
    previous: toMembership(row),
    source: hooks.source,
  });
}

/** Schedule the deletion of an organization's or a user's memberships, if there are any. */
export async function scheduleMembershipCleanup(
  ctx: MutationCtx,
  of: { orgId: string } | { clerkId: string },
  hooks: Hooks,
) {
  const first = await membershipsOf(ctx, of, 1);
  if (first.length > 0) await ctx.scheduler.runAfter(0, internal.organizations.deleteMemberships, { of, hooks });
}

function membershipsOf(ctx: MutationCtx, of: { orgId: string } | { clerkId: string }, count: number) {
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
  args: { of: v.union(v.object({ orgId: v.string() }), v.object({ clerkId: v.string() })), hooks: hooksValidator },
  returns: v.number(),
  handler: async (ctx, { of, hooks }) => {
    const rows = await membershipsOf(ctx, of, CLEANUP_BATCH);
    for (const row of rows) await deleteMembership(ctx, row, hooks);
    if (rows.length === CLEANUP_BATCH) {
      await ctx.scheduler.runAfter(0, internal.organizations.deleteMemberships, { of, hooks });
    }
    return rows.length;
  },
});
