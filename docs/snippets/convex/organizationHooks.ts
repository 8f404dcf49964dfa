import { defineOrganizationEventHandlers } from "convex-clerk-sync";
import { internalMutation } from "./_generated/server";

/**
 * Every organization hook and what it receives. Wire it once, as `onOrganizationEvent` on the
 * `ClerkSync` in clerk.ts; leave out the handlers you do not need.
 */
export const onOrganizationEvent = defineOrganizationEventHandlers(internalMutation, {
  "organization.created": async (_ctx, { organization, source }) => {
    console.log(`organization ${organization.orgId} (${organization.name}) created, from ${source}`);
  },
  "organization.updated": async (_ctx, { organization, previous }) => {
    if (organization.slug !== previous.slug) console.log(`organization ${organization.orgId} has a new slug`);
  },
  "organization.deleted": async (_ctx, { orgId }) => {
    console.log(`organization ${orgId} deleted`);
  },
  "organizationMembership.created": async (_ctx, { membership }) => {
    console.log(`${membership.clerkId ?? "a member"} joined ${membership.orgId} as ${membership.role}`);
  },
  "organizationMembership.updated": async (_ctx, { membership, previous }) => {
    if (membership.role !== previous.role) console.log(`${membership.membershipId} is now ${membership.role}`);
  },
  "organizationMembership.deleted": async (_ctx, { membershipId, previous }) => {
    console.log(`${membershipId} left ${previous.orgId}`);
  },
});
