// A host module for hook tests: records every hook call in the app's `profiles`
// table, and throws after writing while `failing.enabled` is set.
import { defineOrganizationEventHandlers, defineUserEventHandlers } from "convex-clerk-sync";
import {
  internalMutationGeneric,
  type DataModelFromSchemaDefinition,
  type GenericMutationCtx,
  type MutationBuilder,
} from "convex/server";
import type schema from "../../example/convex/schema";

type DataModel = DataModelFromSchemaDefinition<typeof schema>;
const internalMutation = internalMutationGeneric as MutationBuilder<DataModel, "internal">;

export const failing = { enabled: false };

export const onUserEvent = defineUserEventHandlers(internalMutation, {
  "user.created": async (ctx, { user, source }) => {
    await ctx.db.insert("profiles", {
      clerkId: user.clerkId,
      displayName: `created:${source}:${user.name}`,
      imageUrl: null,
    });
    if (failing.enabled) throw new Error("hook failed");
  },
  "user.updated": async (ctx, { user, previous, source }) => {
    await ctx.db.insert("profiles", {
      clerkId: user.clerkId,
      displayName: `updated:${source}:${previous.name}->${user.name}`,
      imageUrl: null,
    });
    if (failing.enabled) throw new Error("hook failed");
  },
  "user.deleted": async (ctx, { clerkId, previous, source }) => {
    await ctx.db.insert("profiles", { clerkId, displayName: `deleted:${source}:${previous.name}`, imageUrl: null });
    if (failing.enabled) throw new Error("hook failed");
  },
});

/** Organization hooks, recorded the same way (the `profiles` rows keyed by the object's id). */
const record = (clerkId: string, displayName: string) => async (ctx: GenericMutationCtx<DataModel>) => {
  await ctx.db.insert("profiles", { clerkId, displayName, imageUrl: null });
  if (failing.enabled) throw new Error("hook failed");
};

export const onOrganizationEvent = defineOrganizationEventHandlers(internalMutation, {
  "organization.created": (ctx, { organization, source }) =>
    record(organization.orgId, `org.created:${source}:${organization.name}`)(ctx),
  "organization.updated": (ctx, { organization, previous }) =>
    record(organization.orgId, `org.updated:${previous.name}->${organization.name}`)(ctx),
  "organization.deleted": (ctx, { orgId, previous }) => record(orgId, `org.deleted:${previous.name}`)(ctx),
  "organizationMembership.created": (ctx, { membership }) =>
    record(membership.membershipId, `mem.created:${membership.clerkId}:${membership.role}`)(ctx),
  "organizationMembership.updated": (ctx, { membership, previous }) =>
    record(membership.membershipId, `mem.updated:${previous.role}->${membership.role}`)(ctx),
  "organizationMembership.deleted": (ctx, { membershipId, previous, source }) =>
    record(membershipId, `mem.deleted:${source}:${previous.clerkId}`)(ctx),
  "organizationInvitation.created": (ctx, { invitation, source }) =>
    record(invitation.invitationId, `inv.created:${source}:${invitation.status}`)(ctx),
  "organizationInvitation.updated": (ctx, { invitation, previous, source }) =>
    record(invitation.invitationId, `inv.updated:${source}:${previous.status}->${invitation.status}`)(ctx),
  "organizationInvitation.deleted": (ctx, { invitationId, previous, source }) =>
    record(invitationId, `inv.deleted:${source}:${previous.status}`)(ctx),
});
