import { defineOrganizationEventHandlers } from "convex-clerk-sync";
import { ConvexError, v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation, mutation, query } from "./_generated/server";
import { clerk } from "./clerk";

/** Members only: an organization's projects (admins create them). */
export const list = query({
  args: { orgId: v.string() },
  handler: async (ctx, { orgId }) => {
    await clerk.requireOrgRole(ctx, orgId); // any member
    const projects = await ctx.db
      .query("projects")
      .withIndex("by_org", (q) => q.eq("orgId", orgId))
      .take(100);
    return projects.map(({ name, createdBy }) => ({ name, createdBy }));
  },
});

/** The organization's admins only: add a project. */
export const create = mutation({
  args: { orgId: v.string(), name: v.string() },
  handler: async (ctx, { orgId, name }) => {
    const membership = await clerk.requireOrgRole(ctx, orgId, "org:admin");
    return ctx.db.insert("projects", { orgId, name, createdBy: membership.clerkId! });
  },
});

/**
 * Rename a project: needs the `org:projects:manage` permission. It follows the member's
 * role as Clerk changes it (`role.updated`, `permission.*`), with no membership event.
 */
export const rename = mutation({
  args: { projectId: v.id("projects"), name: v.string() },
  handler: async (ctx, { projectId, name }) => {
    const project = await ctx.db.get("projects", projectId);
    if (!project) throw new ConvexError({ code: "NOT_FOUND", message: "No such project" });
    await clerk.requireOrgRole(ctx, project.orgId, { permission: "org:projects:manage" });
    await ctx.db.patch("projects", projectId, { name });
  },
});

/**
 * The organization's projects as CSV: for members of an organization on the Pro plan.
 * `has` reads the plan from the session token when `orgId` is the active organization,
 * else from the synced subscription.
 */
export const exportCsv = query({
  args: { orgId: v.string() },
  handler: async (ctx, { orgId }) => {
    await clerk.requireOrgRole(ctx, orgId);
    if (!(await clerk.has(ctx, { plan: "o:pro" }, { orgId }))) {
      throw new ConvexError({ code: "PLAN_REQUIRED", message: "Exporting projects needs the Pro plan" });
    }
    const projects = await ctx.db
      .query("projects")
      .withIndex("by_org", (q) => q.eq("orgId", orgId))
      .take(1000);
    return ["name,createdBy", ...projects.map(({ name, createdBy }) => `${csvField(name)},${createdBy}`)].join("\n");
  },
});

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Organization hooks, wired in clerk.ts: a deleted organization's projects go too. */
export const onOrganizationEvent = defineOrganizationEventHandlers(internalMutation, {
  "organization.deleted": async (ctx, { orgId }) => {
    await ctx.scheduler.runAfter(0, internal.projects.deleteForOrganization, { orgId });
  },
});

const DELETE_BATCH = 200;

export const deleteForOrganization = internalMutation({
  args: { orgId: v.string() },
  handler: async (ctx, { orgId }) => {
    const projects = await ctx.db
      .query("projects")
      .withIndex("by_org", (q) => q.eq("orgId", orgId))
      .take(DELETE_BATCH);
    for (const project of projects) await ctx.db.delete("projects", project._id);
    if (projects.length === DELETE_BATCH) {
      await ctx.scheduler.runAfter(0, internal.projects.deleteForOrganization, { orgId });
    }
  },
});
