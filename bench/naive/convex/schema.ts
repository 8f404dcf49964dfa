import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

/**
 * The users table as most tutorials set it up: the Clerk id is a plain field, looked
 * up with `.filter`, and there is no index, no tombstone and no dedupe record.
 */
export default defineSchema({
  users: defineTable({
    clerkUserId: v.string(),
    name: v.string(),
    email: v.union(v.string(), v.null()),
    imageUrl: v.union(v.string(), v.null()),
  }),
});
