import type { MutationCtx } from "./_generated/server.js";

/**
 * Tombstones of deleted users, organizations and memberships. Clerk never reuses an id,
 * so a tombstoned id stays deleted whatever a later snapshot says.
 */
export async function isTombstoned(ctx: MutationCtx, clerkId: string): Promise<boolean> {
  const tombstone = await ctx.db
    .query("tombstones")
    .withIndex("by_clerk_id", (q) => q.eq("clerkId", clerkId))
    .unique();
  return tombstone !== null;
}

/** Tombstone an id; answers whether it already was. */
export async function writeTombstone(ctx: MutationCtx, clerkId: string): Promise<boolean> {
  if (await isTombstoned(ctx, clerkId)) return true;
  await ctx.db.insert("tombstones", { clerkId, deletedAt: Date.now() });
  return false;
}
