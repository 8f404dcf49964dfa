import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  /** The app's own per-user data, kept in step with Clerk by lifecycle hooks. */
  profiles: defineTable({
    clerkId: v.string(),
    displayName: v.string(),
    imageUrl: v.union(v.string(), v.null()),
  }).index("by_clerk_id", ["clerkId"]),

  /** Organization-scoped data: readable by the organization's members only. */
  projects: defineTable({
    orgId: v.string(),
    name: v.string(),
    createdBy: v.string(),
  }).index("by_org", ["orgId"]),

  /** Host data that refers to users by Clerk id; the users live in the component. */
  notes: defineTable({
    authorId: v.string(),
    text: v.string(),
  }).index("by_author", ["authorId"]),
});
