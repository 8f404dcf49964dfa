import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { paginator } from "convex-helpers/server/pagination";
import type { Doc } from "./_generated/dataModel.js";
import { mutation, query } from "./_generated/server.js";
import { scheduleBillingCleanup } from "./billing.js";
import { vChangeOutcome, vChangeSource, vHookHandles, type UserHookEvent } from "./changes.js";
import { scheduleMembershipCleanup } from "./memberships.js";
import { vUserRecord, type UserRecord } from "./records.js";
import schema from "./schema.js";
import { applyDeletion, applySnapshot, runHook, type SyncedKind } from "./snapshots.js";
import { isTombstoned } from "./tombstones.js";

/** Users under the snapshot rules. */
export const userKind: SyncedKind<"users", UserRecord> = {
  table: "users",
  idOf: (user) => user.clerkId,
  find: (ctx, clerkId) =>
    ctx.db
      .query("users")
      .withIndex("by_clerk_id", (q) => q.eq("clerkId", clerkId))
      .unique(),
  toRow: (user) => ({ ...user, emailLower: user.email?.toLowerCase() ?? null }),
  toRecord: toUserRecord,
  notify: (ctx, { source, hooks, svixId }, change) => {
    const clerkId = change.id;
    const event: UserHookEvent =
      change.type === "created"
        ? { type: "user.created", clerkId, user: change.record, previous: null, source }
        : change.type === "updated"
          ? { type: "user.updated", clerkId, user: change.record, previous: change.previous, source }
          : { type: "user.deleted", clerkId, user: null, previous: change.previous, source };
    return runHook(ctx, hooks.onUserEvent, event, svixId);
  },
  // Memberships and billing may have arrived before (or without) the user itself.
  afterDelete: async (ctx, clerkId, context) => {
    await scheduleMembershipCleanup(ctx, { clerkId }, context);
    await scheduleBillingCleanup(ctx, clerkId, context);
  },
};

/** The stored row minus what only the component needs. */
function toUserRecord(row: Doc<"users">): UserRecord {
  const { _id, _creationTime, emailLower, ...record } = row;
  return record;
}

export const get = query({
  args: { clerkId: v.string() },
  returns: v.union(vUserRecord, v.null()),
  handler: async (ctx, { clerkId }) => {
    const row = await userKind.find(ctx, clerkId);
    return row && toUserRecord(row);
  },
});

export const getByEmail = query({
  args: { email: v.string() },
  returns: v.union(vUserRecord, v.null()),
  handler: async (ctx, { email }) => {
    const row = await ctx.db
      .query("users")
      .withIndex("by_email_lower", (q) => q.eq("emailLower", email.trim().toLowerCase()))
      .first();
    return row && toUserRecord(row);
  },
});

export const getByExternalId = query({
  args: { externalId: v.string() },
  returns: v.union(vUserRecord, v.null()),
  handler: async (ctx, { externalId }) => {
    const row = await ctx.db
      .query("users")
      .withIndex("by_external_id", (q) => q.eq("externalId", externalId))
      .first();
    return row && toUserRecord(row);
  },
});

/**
 * A page of users in Clerk id order. Convex's built-in pagination is for apps only: a
 * component pages by index range (convex-helpers' `paginator`), with the same cursor contract.
 */
export const list = query({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vUserRecord),
  handler: async (ctx, { paginationOpts }) => {
    const result = await paginator(ctx.db, schema).query("users").withIndex("by_clerk_id").paginate(paginationOpts);
    return { page: result.page.map(toUserRecord), isDone: result.isDone, continueCursor: result.continueCursor };
  },
});

/**
 * Of these Clerk ids, the ones with no stored user: `deleted` when Clerk said so (a webhook
 * or a backfill's reconciliation left a tombstone, kept 30 days), else `unknown` (never
 * synced). For a host that mirrors users into its own table and must find the rows whose
 * user was deleted while the component did not hold it.
 */
export const absent = query({
  args: { clerkIds: v.array(v.string()) },
  returns: v.object({ deleted: v.array(v.string()), unknown: v.array(v.string()) }),
  handler: async (ctx, { clerkIds }) => {
    const deleted: string[] = [];
    const unknown: string[] = [];
    for (const clerkId of new Set(clerkIds)) {
      if (await userKind.find(ctx, clerkId)) continue;
      ((await isTombstoned(ctx, clerkId)) ? deleted : unknown).push(clerkId);
    }
    return { deleted, unknown };
  },
});

/**
 * Store one snapshot of a user under the same rules as a webhook delivery.
 * For seeding and for snapshots fetched from Clerk's API.
 */
export const upsert = mutation({
  args: {
    user: vUserRecord,
    /** The host's hooks, run if the user changed. */
    hooks: v.optional(vHookHandles),
    /** Default "api". */
    source: v.optional(vChangeSource),
  },
  returns: vChangeOutcome,
  handler: (ctx, { user, hooks, source }) =>
    applySnapshot(ctx, userKind, user, { source: source ?? "api", hooks: hooks ?? {} }),
});

/**
 * Record deletions a host applied before the component synced its users (a hand-written sync's
 * soft-deleted rows): each id gets a tombstone, so no later snapshot (a Svix retry, a replay
 * from Clerk's dashboard) stores the user again. A user stored here is removed (without hooks:
 * the host's row already shows the deletion). Answers how many ids were not already recorded.
 */
export const recordDeletions = mutation({
  args: { clerkIds: v.array(v.string()) },
  returns: v.number(),
  handler: async (ctx, { clerkIds }) => {
    let recorded = 0;
    for (const clerkId of new Set(clerkIds)) {
      const outcome = await applyDeletion(ctx, userKind, clerkId, { source: "api", hooks: {} });
      if (outcome !== "unchanged") recorded++;
    }
    return recorded;
  },
});
