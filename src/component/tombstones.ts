import type { QueryCtx, MutationCtx } from "./_generated/server.js";

/**
 * Tombstones of deleted users, organizations and memberships. Clerk never reuses an id,
 * so a tombstoned id stays deleted whatever a later snapshot says.
 */
export async function isTombstoned(ctx: QueryCtx, objectId: string): Promise<boolean> {
  const tombstone = await ctx.db
    .query("tombstones")
    .withIndex("by_object_id", (q) => q.eq("objectId", objectId))
    .unique();
  return tombstone !== null;
}

/** Tombstone a Clerk object id, once. */
export async function addTombstone(ctx: MutationCtx, objectId: string): Promise<"added" | "existed"> {
  if (await isTombstoned(ctx, objectId)) return "existed";
  await ctx.db.insert("tombstones", { objectId, deletedAt: Date.now() });
  return "added";
}
