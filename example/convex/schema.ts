import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  /** The host's own data refers to users by Clerk id; the users live in the component. */
  notes: defineTable({
    authorId: v.string(),
    text: v.string(),
  }).index("by_author", ["authorId"]),
});
