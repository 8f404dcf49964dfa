import { ClerkSync, mirrorUsers } from "convex-clerk-sync";
import { v } from "convex/values";
import { components, internal } from "./_generated/api";
import { internalMutation } from "./_generated/server";

export const membersMirror = mirrorUsers(internalMutation, {
  table: "members",
  index: "by_clerkId",
  clerkIdField: "clerkId",
  fields: (user) => ({ name: user.name, email: user.email }),
  newRow: () => ({ plan: "free" }),
  onDelete: { patch: (row) => ({ deletedAt: row.deletedAt ?? Date.now() }) },
  afterDelete: async (ctx, row) => {
    const notes = await ctx.db
      .query("memberNotes")
      .withIndex("by_memberId", (q) => q.eq("memberId", row._id))
      .collect();
    for (const note of notes) await ctx.db.delete("memberNotes", note._id);
  },
});
export const onMemberEvent = membersMirror.onUserEvent;
export const members: ClerkSync = new ClerkSync(components.clerk, { onUserEvent: internal.mirrors.onMemberEvent });

export const accountsMirror = mirrorUsers(internalMutation, {
  table: "accounts",
  index: "by_clerkUserId",
  clerkIdField: "clerkUserId",
  fields: (user) => ({ displayName: user.name, email: user.email ?? undefined }),
  onDelete: { patch: () => ({ displayName: "Deleted user", email: undefined }) },
  updatedAtField: "clerkUpdatedAt",
});
export const onAccountEvent = accountsMirror.onUserEvent;
export const accounts: ClerkSync = new ClerkSync(components.clerk, { onUserEvent: internal.mirrors.onAccountEvent });

export const pruneMembers = internalMutation({
  args: { cursor: v.union(v.string(), v.null()), numItems: v.number() },
  handler: (ctx, page) => membersMirror.prune(ctx, members, page),
});

export const adoptMembers = internalMutation({
  args: { cursor: v.union(v.string(), v.null()), numItems: v.number() },
  handler: (ctx, page) => membersMirror.adopt(ctx, members, page),
});
