import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  /** Soft-deleted: a deleted user's row stays, marked. */
  members: defineTable({
    clerkId: v.string(),
    name: v.string(),
    email: v.union(v.string(), v.null()),
    /** The app's own, required: the mirror gives new rows a default. */
    plan: v.string(),
    deletedAt: v.optional(v.number()),
  }).index("by_clerkId", ["clerkId"]),

  /** The app's rows about a member, which its delete cleans up. */
  memberNotes: defineTable({
    memberId: v.id("members"),
    body: v.string(),
  }).index("by_memberId", ["memberId"]),

  /** Anonymized: a deleted user's row stays, without personal data. */
  accounts: defineTable({
    clerkUserId: v.string(),
    displayName: v.string(),
    email: v.optional(v.string()),
    /** Clerk's `updated_at` of what the row holds. */
    clerkUpdatedAt: v.optional(v.number()),
  }).index("by_clerkUserId", ["clerkUserId"]),
});
