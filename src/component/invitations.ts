import { paginationOptsValidator, paginationResultValidator, type PaginationResult } from "convex/server";
import { v } from "convex/values";
import { paginator } from "convex-helpers/server/pagination";
import { internal } from "./_generated/api.js";
import type { Doc } from "./_generated/dataModel.js";
import { internalMutation, query, type MutationCtx } from "./_generated/server.js";
import { vChangeSource, vHookHandles, type ChangeContext, type OrganizationHookEvent } from "./changes.js";
import { vInvitationRecord, type InvitationRecord } from "./records.js";
import schema from "./schema.js";
import { removeRow, runHook, type SyncedKind } from "./snapshots.js";

/** Invitations deleted per scheduled step when their organization is deleted. */
const CLEANUP_BATCH = 200;

/** Clerk's status of an invitation that can still be accepted; every other status is final. */
const PENDING = "pending";

/**
 * What two snapshots of one invitation say together. An invitation leaves `pending` once and
 * never returns to it, and Clerk may mark one `expired` without a newer `updated_at`: a final
 * status wins over `pending` whichever snapshot carries it. Only the `accepted` payload names
 * the user who accepted, and no later snapshot hides who that was.
 */
function mergeInvitations(newer: InvitationRecord, older: InvitationRecord): InvitationRecord {
  const status = newer.status === PENDING && older.status !== PENDING ? older.status : newer.status;
  const userId = newer.userId ?? older.userId;
  return status === newer.status && userId === newer.userId ? newer : { ...newer, status, userId };
}

/** Organization invitations under the snapshot rules. */
export const invitationKind: SyncedKind<"invitations", InvitationRecord> = {
  table: "invitations",
  idOf: (invitation) => invitation.invitationId,
  find: (ctx, invitationId) =>
    ctx.db
      .query("invitations")
      .withIndex("by_invitationId", (q) => q.eq("invitationId", invitationId))
      .unique(),
  toRow: (invitation) => invitation,
  toRecord: toInvitationRecord,
  // A deleted organization's invitations stay deleted.
  parentsOf: (invitation) => [invitation.orgId],
  merge: mergeInvitations,
  notify: (ctx, { source, hooks }, change) => {
    const invitationId = change.id;
    const event: OrganizationHookEvent =
      change.type === "created"
        ? { type: "organizationInvitation.created", invitationId, invitation: change.record, previous: null, source }
        : change.type === "updated"
          ? {
              type: "organizationInvitation.updated",
              invitationId,
              invitation: change.record,
              previous: change.previous,
              source,
            }
          : {
              type: "organizationInvitation.deleted",
              invitationId,
              invitation: null,
              previous: change.previous,
              source,
            };
    return runHook(ctx, hooks.onOrganizationEvent, event);
  },
};

function toInvitationRecord(row: Doc<"invitations">): InvitationRecord {
  const { _id, _creationTime, ...record } = row;
  return record;
}

/**
 * A page of an organization's invitations, newest first, by index range (a component cannot
 * use built-in pagination); with `status`, only those Clerk gave that status.
 */
export const list = query({
  args: { orgId: v.string(), status: v.optional(v.string()), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vInvitationRecord),
  handler: async (ctx, { orgId, status, paginationOpts }) => {
    if (status === undefined) {
      const all = await paginator(ctx.db, schema)
        .query("invitations")
        .withIndex("by_orgId_and_createdAt", (q) => q.eq("orgId", orgId))
        .order("desc")
        .paginate(paginationOpts);
      return toInvitationPage(all);
    }
    const withStatus = await paginator(ctx.db, schema)
      .query("invitations")
      .withIndex("by_orgId_and_status_and_createdAt", (q) => q.eq("orgId", orgId).eq("status", status))
      .order("desc")
      .paginate(paginationOpts);
    return toInvitationPage(withStatus);
  },
});

function toInvitationPage({ page, isDone, continueCursor }: PaginationResult<Doc<"invitations">>) {
  return { page: page.map(toInvitationRecord), isDone, continueCursor };
}

/** Schedule the deletion of a deleted organization's invitations, if it has any. */
export async function scheduleInvitationCleanup(ctx: MutationCtx, orgId: string, context: ChangeContext) {
  const first = await invitationsOf(ctx, orgId, 1);
  if (first.length > 0) {
    await ctx.scheduler.runAfter(0, internal.invitations.deleteInvitations, {
      orgId,
      source: context.source,
      hooks: context.hooks,
    });
  }
}

function invitationsOf(ctx: MutationCtx, orgId: string, count: number) {
  return ctx.db
    .query("invitations")
    .withIndex("by_orgId_and_createdAt", (q) => q.eq("orgId", orgId))
    .take(count);
}

/** Delete a batch of a deleted organization's invitations; reschedule while more remain. */
export const deleteInvitations = internalMutation({
  args: { orgId: v.string(), source: vChangeSource, hooks: vHookHandles },
  returns: v.number(),
  handler: async (ctx, { orgId, source, hooks }) => {
    const rows = await invitationsOf(ctx, orgId, CLEANUP_BATCH);
    for (const row of rows) await removeRow(ctx, invitationKind, row, { source, hooks });
    if (rows.length === CLEANUP_BATCH) {
      await ctx.scheduler.runAfter(0, internal.invitations.deleteInvitations, { orgId, source, hooks });
    }
    return rows.length;
  },
});
