// @vitest-environment node
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { organizationCreated, userCreated } from "convex-clerk-sync/test";
import type { ClerkApiStandIn } from "./support/clerkApiStandIn";
import {
  clerk,
  clerkErrorOf,
  deliverEcho,
  hookCalls,
  startWriteThroughHost,
  syncedRows,
} from "./support/writeThroughHost";
import { deliver, type TestApp } from "./setup";

let t: TestApp;
let clerkApi: ClerkApiStandIn;
let adminId: string;
let memberId: string;
let orgId: string;
const page = { numItems: 10, cursor: null };

beforeEach(async () => {
  ({ t, clerkApi } = await startWriteThroughHost());
  // Two users and an organization Clerk has, already synced by their webhooks.
  const [admin, member] = clerkApi.addUsers(2);
  const org = clerkApi.addOrganization({ name: "Acme", slug: "acme" });
  [adminId, memberId, orgId] = [admin!.id, member!.id, org.id];
  for (const payload of [userCreated(admin), userCreated(member), organizationCreated(org)]) await deliver(t, payload);
});
afterEach(async () => {
  await clerkApi.close();
});

describe("write-through: organizations", () => {
  test("create, rename, merge metadata, delete: each stored at once, each echo unchanged", async () => {
    const created = await t.action((ctx) =>
      clerk.createOrganization(ctx, {
        name: "Globex",
        slug: "globex",
        createdBy: adminId,
        publicMetadata: { tier: "gold" },
        privateMetadata: { crm: "crm_private_77aa" },
      }),
    );
    expect(await t.query((ctx) => clerk.getOrganizationBySlug(ctx, "globex"))).toEqual(created);
    expect(await deliverEcho(t, "organization.created", clerkApi.organizations.get(created.orgId))).toBe("unchanged");

    const renamed = await t.action((ctx) => clerk.updateOrganization(ctx, created.orgId, { name: "Globex Corp" }));
    expect(renamed.name).toBe("Globex Corp");
    const merged = await t.action((ctx) =>
      clerk.updateOrganizationMetadata(ctx, created.orgId, { publicMetadata: { tier: null, seats: 5 } }),
    );
    expect((await t.query((ctx) => clerk.getOrganization(ctx, created.orgId)))?.publicMetadata).toEqual({ seats: 5 });
    expect(merged.name).toBe("Globex Corp");
    expect(await deliverEcho(t, "organization.updated", clerkApi.organizations.get(created.orgId))).toBe("unchanged");
    expect(JSON.stringify(await syncedRows(t))).not.toContain("crm_private_77aa");

    await t.action((ctx) => clerk.deleteOrganization(ctx, created.orgId));
    expect(await t.query((ctx) => clerk.getOrganization(ctx, created.orgId))).toBeNull();
    const deleted = { object: "organization", id: created.orgId, slug: "globex", deleted: true };
    expect(await deliverEcho(t, "organization.deleted", deleted)).toBe("unchanged");
    expect((await hookCalls(t)).filter((call) => call.includes("Globex"))).toEqual([
      "org.created:api:Globex",
      "org.updated:Globex->Globex Corp",
      "org.updated:Globex Corp->Globex Corp",
      "org.deleted:Globex Corp",
    ]);
  });

  test("a slug already taken: Clerk's 422 names the field, and nothing is written", async () => {
    clerkApi.addOrganization({ slug: "initech" });
    const before = await syncedRows(t);
    const error = await clerkErrorOf(() =>
      t.action((ctx) => clerk.updateOrganization(ctx, orgId, { slug: "initech" })),
    );
    expect(error).toMatchObject({ code: "CLERK_INVALID" });
    const taken = await clerkErrorOf(() =>
      t.action((ctx) => clerk.createOrganization(ctx, { name: "X", slug: "acme" })),
    );
    expect(taken).toMatchObject({
      code: "CLERK_INVALID",
      status: 422,
      message: "That slug is taken.",
      errors: [{ code: "form_identifier_exists", paramName: "slug" }],
    });
    expect(await syncedRows(t)).toEqual(before);
  });
});

describe("write-through: members", () => {
  test("add, change role, remove: the members list follows at once; echoes change nothing", async () => {
    const added = await t.action((ctx) => clerk.addMember(ctx, { orgId, userId: memberId, role: "org:member" }));
    expect(added).toMatchObject({ orgId, clerkId: memberId, role: "org:member" });
    const membership = clerkApi.memberships.get(added.membershipId);
    expect(await deliverEcho(t, "organizationMembership.created", membership)).toBe("unchanged");

    const promoted = await t.action((ctx) =>
      clerk.updateMemberRole(ctx, { orgId, userId: memberId, role: "org:admin" }),
    );
    expect(promoted.role).toBe("org:admin");
    expect((await t.query((ctx) => clerk.getMembership(ctx, { orgId, clerkId: memberId })))?.role).toBe("org:admin");
    const updated = clerkApi.memberships.get(added.membershipId);
    expect(await deliverEcho(t, "organizationMembership.updated", updated)).toBe("unchanged");
    // The webhook of the role before the change arrives late: stale.
    expect(await deliverEcho(t, "organizationMembership.updated", membership)).toBe("stale");

    await t.action((ctx) => clerk.removeMember(ctx, { orgId, userId: memberId }));
    const members = await t.query((ctx) => clerk.listMembers(ctx, orgId, { paginationOpts: page }));
    expect(members.page).toEqual([]);
    expect(await deliverEcho(t, "organizationMembership.deleted", updated)).toBe("unchanged");
    expect((await hookCalls(t)).filter((call) => call.startsWith("mem."))).toEqual([
      `mem.created:${memberId}:org:member`,
      "mem.updated:org:member->org:admin",
      `mem.deleted:api:${memberId}`,
    ]);
  });

  test("an existing member, a non-member, an unknown role: Clerk's refusals, nothing written", async () => {
    await t.action((ctx) => clerk.addMember(ctx, { orgId, userId: memberId, role: "org:member" }));
    const before = await syncedRows(t);
    const again = await clerkErrorOf(() =>
      t.action((ctx) => clerk.addMember(ctx, { orgId, userId: memberId, role: "org:member" })),
    );
    expect(again).toMatchObject({ code: "CLERK_INVALID", errors: [{ code: "already_a_member_in_organization" }] });
    const notMember = await clerkErrorOf(() =>
      t.action((ctx) => clerk.updateMemberRole(ctx, { orgId, userId: adminId, role: "org:admin" })),
    );
    expect(notMember).toMatchObject({ code: "CLERK_NOT_FOUND", status: 404 });
    const badRole = await clerkErrorOf(() =>
      t.action((ctx) => clerk.updateMemberRole(ctx, { orgId, userId: memberId, role: "owner" })),
    );
    expect(badRole).toMatchObject({ code: "CLERK_INVALID", errors: [{ paramName: "role" }] });
    expect(await syncedRows(t)).toEqual(before);
  });
});

describe("write-through: invitations", () => {
  test("create and revoke: listed at once by status; private metadata and the ticket url never stored", async () => {
    const invited = await t.action((ctx) =>
      clerk.createInvitation(ctx, {
        orgId,
        emailAddress: "new.hire@example.org",
        role: "org:member",
        inviterUserId: adminId,
        privateMetadata: { referral: "ref_private_31c9" },
      }),
    );
    expect(invited).toMatchObject({ orgId, status: "pending", inviterId: adminId, userId: null });
    const pending = await t.query((ctx) =>
      clerk.listInvitations(ctx, orgId, { status: "pending", paginationOpts: page }),
    );
    expect(pending.page.map((i) => i.emailAddress)).toEqual(["new.hire@example.org"]);
    const stored = clerkApi.invitations.get(invited.invitationId)!;
    expect(await deliverEcho(t, "organizationInvitation.created", stored)).toBe("unchanged");

    const revoked = await t.action((ctx) =>
      clerk.revokeInvitation(ctx, { orgId, invitationId: invited.invitationId, requestingUserId: adminId }),
    );
    expect(revoked.status).toBe("revoked");
    const lists = await t.query(async (ctx) => ({
      pending: (await clerk.listInvitations(ctx, orgId, { status: "pending", paginationOpts: page })).page,
      revoked: (await clerk.listInvitations(ctx, orgId, { status: "revoked", paginationOpts: page })).page,
    }));
    expect(lists.pending).toEqual([]);
    expect(lists.revoked.map((i) => i.invitationId)).toEqual([invited.invitationId]);
    const echoed = clerkApi.invitations.get(invited.invitationId);
    expect(await deliverEcho(t, "organizationInvitation.revoked", echoed)).toBe("unchanged");
    // The late webhook of the invitation as created: stale.
    expect(await deliverEcho(t, "organizationInvitation.created", stored)).toBe("stale");

    const rows = JSON.stringify(await syncedRows(t));
    expect(rows).not.toContain("ref_private_31c9");
    expect(rows).not.toContain(String(stored.url));
    expect((await hookCalls(t)).filter((call) => call.startsWith("inv."))).toEqual([
      "inv.created:api:pending",
      "inv.updated:api:pending->revoked",
    ]);
  });

  test("an invalid address, a duplicate, revoking twice: Clerk's refusals, nothing written", async () => {
    const invite = (emailAddress: string) =>
      clerkErrorOf(() => t.action((ctx) => clerk.createInvitation(ctx, { orgId, emailAddress, role: "org:member" })));
    const invited = await t.action((ctx) =>
      clerk.createInvitation(ctx, { orgId, emailAddress: "a@example.org", role: "org:member" }),
    );
    await t.action((ctx) => clerk.revokeInvitation(ctx, { orgId, invitationId: invited.invitationId }));
    const before = await syncedRows(t);
    expect(await invite("not an address")).toMatchObject({
      code: "CLERK_INVALID",
      errors: [{ code: "form_param_format_invalid", paramName: "email_address" }],
    });
    await t.action((ctx) => clerk.createInvitation(ctx, { orgId, emailAddress: "b@example.org", role: "org:member" }));
    const afterOne = await syncedRows(t);
    expect(await invite("b@example.org")).toMatchObject({
      code: "CLERK_INVALID",
      errors: [{ code: "duplicate_record" }],
    });
    const twice = await clerkErrorOf(() =>
      t.action((ctx) => clerk.revokeInvitation(ctx, { orgId, invitationId: invited.invitationId })),
    );
    expect(twice).toMatchObject({ code: "CLERK_INVALID", message: "Only pending invitations can be revoked." });
    expect(afterOne.invitations).toHaveLength(before.invitations.length + 1);
    expect(await syncedRows(t)).toEqual(afterOne);
  });
});
