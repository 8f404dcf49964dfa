// @vitest-environment node
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ConvexError } from "convex/values";
import { membershipCreated, organizationCreated, userCreated } from "convex-clerk-sync/test";
import { api } from "../example/convex/_generated/api";
import { startClerkApiStandIn, type ClerkApiStandIn } from "./support/clerkApiStandIn";
import { deliverEcho } from "./support/writeThroughHost";
import { deliver, initConvexTest, ISSUER, type TestApp } from "./setup";

// The example app's onboarding and organization-admin actions, against Clerk's stand-in.

let t: TestApp;
let clerkApi: ClerkApiStandIn;

beforeEach(async () => {
  clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = "sk_test_example_writes";
  t = initConvexTest();
});
afterEach(async () => {
  await clerkApi.close();
});

const codeOf = async (run: () => Promise<unknown>) => {
  try {
    await run();
  } catch (error) {
    if (error instanceof ConvexError) return (error.data as { code: string }).code;
    throw error;
  }
  return "ok";
};

describe("onboarding", () => {
  test("the flag is visible to the app's queries as soon as the action returns", async () => {
    const [user] = clerkApi.addUsers(1);
    await deliver(t, userCreated(user));
    const asUser = t.withIdentity({ issuer: ISSUER, subject: user!.id });
    expect(await asUser.query(api.onboarding.status, {})).toEqual({ onboardingComplete: false });
    expect(await asUser.action(api.onboarding.complete, {})).toEqual({ onboardingComplete: true });
    expect(await asUser.query(api.onboarding.status, {})).toEqual({ onboardingComplete: true });
    expect(clerkApi.users.get(user!.id)?.public_metadata).toEqual({ onboardingComplete: true });
    expect(await deliverEcho(t, "user.updated", clerkApi.users.get(user!.id))).toBe("unchanged");
  });

  test("right after sign-up, before the webhook: the caller is fetched, stored, then updated", async () => {
    const [user] = clerkApi.addUsers(1);
    const asUser = t.withIdentity({ issuer: ISSUER, subject: user!.id });
    expect(await asUser.action(api.onboarding.complete, {})).toEqual({ onboardingComplete: true });
    expect(await asUser.query(api.onboarding.status, {})).toEqual({ onboardingComplete: true });
    expect(await codeOf(() => t.action(api.onboarding.complete, {}))).toBe("UNAUTHENTICATED");
  });
});

describe("the organization admin page", () => {
  let orgId: string;
  let admin: string;
  let member: string;

  beforeEach(async () => {
    const [a, m] = clerkApi.addUsers(2);
    [admin, member] = [a!.id, m!.id];
    const org = clerkApi.addOrganization({ name: "Acme" });
    orgId = org.id;
    await deliver(t, organizationCreated(org));
    for (const user of [a, m]) await deliver(t, userCreated(user));
    // Clerk's admin role carries the system permission to manage members; the member role does not.
    const adminMembership = clerkApi.addMembership(orgId, admin, "org:admin", {
      permissions: ["org:sys_memberships:manage", "org:sys_memberships:read"],
    });
    const memberMembership = clerkApi.addMembership(orgId, member, "org:member", {
      permissions: ["org:sys_memberships:read"],
    });
    for (const m of [adminMembership, memberMembership]) {
      await deliver(t, membershipCreated(m as Parameters<typeof membershipCreated>[0]));
    }
  });

  test("an admin invites, sees the address, revokes; changes a role, removes a member, renames", async () => {
    const asAdmin = t.withIdentity({ issuer: ISSUER, subject: admin });
    const invited = await asAdmin.action(api.orgAdmin.invite, {
      orgId,
      emailAddress: "new.hire@example.org",
      role: "org:member",
    });
    expect(invited.status).toBe("pending");
    const page = { numItems: 10, cursor: null };
    const pending = await asAdmin.query(api.orgAdmin.invitations, { orgId, status: "pending", paginationOpts: page });
    expect(pending.page).toEqual([
      expect.objectContaining({ emailAddress: "new.hire@example.org", role: "org:member" }),
    ]);
    expect(clerkApi.invitations.get(invited.invitationId)?.inviter_id).toBe(admin);
    await asAdmin.action(api.orgAdmin.revokeInvitation, { orgId, invitationId: invited.invitationId });
    expect(
      (await asAdmin.query(api.orgAdmin.invitations, { orgId, status: "pending", paginationOpts: page })).page,
    ).toEqual([]);

    expect(await asAdmin.action(api.orgAdmin.changeRole, { orgId, userId: member, role: "org:admin" })).toEqual({
      userId: member,
      role: "org:admin",
    });
    await asAdmin.action(api.orgAdmin.removeMember, { orgId, userId: member });
    expect(
      await codeOf(() => t.withIdentity({ issuer: ISSUER, subject: member }).query(api.projects.list, { orgId })),
    ).toBe("FORBIDDEN");
    expect(await asAdmin.action(api.orgAdmin.rename, { orgId, name: "Acme Inc" })).toEqual({ name: "Acme Inc" });
  });

  test("a member is refused every admin action, and Clerk is never called", async () => {
    const asMember = t.withIdentity({ issuer: ISSUER, subject: member });
    const page = { numItems: 10, cursor: null };
    const refused = {
      invitations: await codeOf(() => asMember.query(api.orgAdmin.invitations, { orgId, paginationOpts: page })),
      invite: await codeOf(() =>
        asMember.action(api.orgAdmin.invite, { orgId, emailAddress: "x@example.org", role: "org:admin" }),
      ),
      revokeInvitation: await codeOf(() =>
        asMember.action(api.orgAdmin.revokeInvitation, { orgId, invitationId: "orginv_x" }),
      ),
      changeRole: await codeOf(() =>
        asMember.action(api.orgAdmin.changeRole, { orgId, userId: member, role: "org:admin" }),
      ),
      removeMember: await codeOf(() => asMember.action(api.orgAdmin.removeMember, { orgId, userId: admin })),
      rename: await codeOf(() => asMember.action(api.orgAdmin.rename, { orgId, name: "Mine now" })),
    };
    expect(Object.values(refused)).toEqual(Array(6).fill("FORBIDDEN"));
    expect(clerkApi.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });
});
