import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { mutation, query, type MutationCtx } from "./_generated/server.js";
import { runUserHook, type Hooks } from "./hooks.js";
import { scheduleMembershipCleanup } from "./organizations.js";
import { isTombstoned, writeTombstone } from "./tombstones.js";
import type { Doc } from "./_generated/dataModel.js";
import {
  changeOutcome,
  changeSource,
  userRecord,
  type Change,
  type UserRecord,
} from "./validators.js";

/** The stored row minus what only the component needs. */
function toRecord(row: Doc<"users">): UserRecord {
  const { _id, _creationTime, emailLower, ...record } = row;
  return record;
}

export const get = query({
  args: { clerkId: v.string() },
  returns: v.union(userRecord, v.null()),
  handler: async (ctx, { clerkId }) => {
    const row = await ctx.db
      .query("users")
      .withIndex("by_clerk_id", (q) => q.eq("clerkId", clerkId))
      .unique();
    return row && toRecord(row);
  },
});

export const getByEmail = query({
  args: { email: v.string() },
  returns: v.union(userRecord, v.null()),
  handler: async (ctx, { email }) => {
    const row = await ctx.db
      .query("users")
      .withIndex("by_email_lower", (q) => q.eq("emailLower", email.trim().toLowerCase()))
      .first();
    return row && toRecord(row);
  },
});

export const list = query({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(userRecord),
  handler: async (ctx, { paginationOpts }) => {
    const result = await ctx.db.query("users").paginate(paginationOpts);
    return { ...result, page: result.page.map(toRecord) };
  },
});

/**
 * Store one snapshot of a user under the same rules as a webhook delivery.
 * For seeding and for snapshots fetched from Clerk's API.
 */
export const upsert = mutation({
  args: {
    user: userRecord,
    /** A function handle to the host's hook mutation, run if the user changed. */
    onUserEvent: v.optional(v.string()),
    /** Default "api". */
    source: v.optional(changeSource),
  },
  returns: changeOutcome,
  handler: async (ctx, { user, onUserEvent, source }) =>
    (await applyUserSnapshot(ctx, user, { onUserEvent, source: source ?? "api" })).outcome,
});

/**
 * The only place that decides whether a snapshot is stored: a deleted user stays
 * deleted, and a snapshot older than the stored one (by Clerk's `updated_at`) is stale.
 */
export async function applyUserSnapshot(ctx: MutationCtx, user: UserRecord, hooks: Hooks): Promise<Change> {
  if (await isTombstoned(ctx, user.clerkId)) return { outcome: "stale" };

  const existing = await ctx.db
    .query("users")
    .withIndex("by_clerk_id", (q) => q.eq("clerkId", user.clerkId))
    .unique();
  const row = { ...user, emailLower: user.email?.toLowerCase() ?? null };
  if (!existing) {
    await ctx.db.insert("users", row);
    await runUserHook(ctx, hooks, { type: "user.created", clerkId: user.clerkId, user, previous: null, source: hooks.source });
    return { outcome: "inserted" };
  }
  const previous = toRecord(existing);
  if (existing.updatedAt > user.updatedAt) return { outcome: "stale" };
  // Same version: Clerk sent this snapshot before (or a duplicate from another path).
  if (existing.updatedAt === user.updatedAt) return { outcome: "unchanged" };
  await ctx.db.replace(existing._id, row);
  await runUserHook(ctx, hooks, { type: "user.updated", clerkId: user.clerkId, user, previous, source: hooks.source });
  return { outcome: "updated" };
}

/** Remove a user and leave a tombstone, so no late snapshot can bring it back. */
export async function applyUserDeletion(ctx: MutationCtx, clerkId: string, hooks: Hooks): Promise<Change> {
  const existing = await ctx.db
    .query("users")
    .withIndex("by_clerk_id", (q) => q.eq("clerkId", clerkId))
    .unique();
  const wasTombstoned = await writeTombstone(ctx, clerkId);
  if (!existing && wasTombstoned) return { outcome: "unchanged" };
  // Memberships may have arrived before (or without) the user itself.
  await scheduleMembershipCleanup(ctx, { clerkId }, hooks);
  if (!existing) return { outcome: "tombstoned" };
  await ctx.db.delete(existing._id);
  const previous = toRecord(existing);
  await runUserHook(ctx, hooks, { type: "user.deleted", clerkId, user: null, previous, source: hooks.source });
  return { outcome: "deleted" };
}

