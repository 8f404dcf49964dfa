import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { action, query } from "./_generated/server";
import { clerk } from "./clerk";

// An organization's admin page. Each action changes Clerk and stores Clerk's answer before it
// returns, so the page's queries show the change at once. Authorization is the app's: the
// package exposes no function. Members are managed with Clerk's system permission, which
// Clerk's admin role carries; the organization's profile needs the admin role itself.

/** Clerk's permission to invite, remove and change the role of members. */
const MANAGE_MEMBERS = { permission: "org:sys_memberships:manage" };

/**
 * The organization's admins only: a page of its invitations, newest first (`status`:
 * `pending`, `accepted`, `revoked`, `expired`). Invitation addresses are personal data.
 */
export const invitations = query({
  args: { orgId: v.string(), status: v.optional(v.string()), paginationOpts: paginationOptsValidator },
  handler: async (ctx, { orgId, status, paginationOpts }) => {
    await clerk.requireOrgRole(ctx, orgId, "org:admin");
    const result = await clerk.listInvitations(ctx, orgId, { ...(status ? { status } : {}), paginationOpts });
    return {
      ...result,
      page: result.page.map(({ invitationId, emailAddress, role, status, expiresAt }) => ({
        invitationId,
        emailAddress,
        role,
        status,
        expiresAt,
      })),
    };
  },
});

/** Invite an address to the organization, as the caller (Clerk sends the email). */
export const invite = action({
  args: { orgId: v.string(), emailAddress: v.string(), role: v.string() },
  handler: async (ctx, { orgId, emailAddress, role }) => {
    const caller = await clerk.requireOrgRole(ctx, orgId, MANAGE_MEMBERS);
    const invitation = await clerk.createInvitation(ctx, {
      orgId,
      emailAddress,
      role,
      inviterUserId: caller.clerkId!,
    });
    return { invitationId: invitation.invitationId, status: invitation.status };
  },
});

/** Revoke a pending invitation. */
export const revokeInvitation = action({
  args: { orgId: v.string(), invitationId: v.string() },
  handler: async (ctx, { orgId, invitationId }) => {
    const caller = await clerk.requireOrgRole(ctx, orgId, MANAGE_MEMBERS);
    const invitation = await clerk.revokeInvitation(ctx, { orgId, invitationId, requestingUserId: caller.clerkId! });
    return { invitationId: invitation.invitationId, status: invitation.status };
  },
});

/** Give a member another role (`org:admin`, `org:member`, or a custom role's key). */
export const changeRole = action({
  args: { orgId: v.string(), userId: v.string(), role: v.string() },
  handler: async (ctx, { orgId, userId, role }) => {
    await clerk.requireOrgRole(ctx, orgId, MANAGE_MEMBERS);
    const membership = await clerk.updateMemberRole(ctx, { orgId, userId, role });
    return { userId, role: membership.role };
  },
});

/** Remove a member from the organization. */
export const removeMember = action({
  args: { orgId: v.string(), userId: v.string() },
  handler: async (ctx, { orgId, userId }) => {
    await clerk.requireOrgRole(ctx, orgId, MANAGE_MEMBERS);
    await clerk.removeMember(ctx, { orgId, userId });
    return null;
  },
});

/** The organization's admins only: rename it. */
export const rename = action({
  args: { orgId: v.string(), name: v.string() },
  handler: async (ctx, { orgId, name }) => {
    await clerk.requireOrgRole(ctx, orgId, "org:admin");
    const organization = await clerk.updateOrganization(ctx, orgId, { name });
    return { name: organization.name };
  },
});
