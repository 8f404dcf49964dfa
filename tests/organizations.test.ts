import { describe, expect, test, vi } from "vitest";
import { ConvexError } from "convex/values";
import { ClerkSync } from "convex-clerk-sync";
import {
  membershipCreated,
  membershipUpdated,
  organizationCreated,
  organizationDeleted,
  organizationUpdated,
  userCreated,
  userDeleted,
} from "convex-clerk-sync/test";
import { api, components } from "../example/convex/_generated/api";
import orgCreated from "./fixtures/openapi-organization.created.json";
import orgDeleted from "./fixtures/openapi-organization.deleted.json";
import memCreated from "./fixtures/openapi-organizationMembership.created.json";
import memDeleted from "./fixtures/openapi-organizationMembership.deleted.json";
import { deliver, inComponent, initConvexTest, type TestApp, ISSUER } from "./setup";

const clerk = new ClerkSync(components.clerk);
const ORG = "org_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const JANE = "user_2h8op3Isl1QR7tKu5FGNfaLKEoU";

const getOrg = (t: TestApp, orgId: string) => t.query(async (ctx) => clerk.getOrganization(ctx, orgId));
const getMembership = (t: TestApp, orgId: string, clerkId: string) =>
  t.query(async (ctx) => clerk.getMembership(ctx, { orgId, clerkId }));
const count = (t: TestApp, table: "memberships" | "organizations") =>
  inComponent(t, async (ctx) => (await ctx.db.query(table).collect()).length);

describe("Clerk's documented organization payloads", () => {
  test("organization.created, membership created and deleted, organization deleted", async () => {
    const t = initConvexTest();
    expect((await deliver(t, orgCreated)).body.outcome).toBe("inserted");
    expect(await getOrg(t, ORG)).toEqual({
      orgId: ORG,
      name: "Acme Corp",
      slug: "acme-corp",
      imageUrl: "https://img.clerk.com/xxxxxx",
      createdBy: "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      publicMetadata: {},
      publicMetadataJson: "{}",
      createdAt: 1716883200000,
      updatedAt: 1716883200000,
    });
    expect((await deliver(t, memCreated)).body.outcome).toBe("inserted");
    expect(await getMembership(t, ORG, JANE)).toEqual({
      membershipId: "orgmem_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      orgId: ORG,
      clerkId: JANE,
      role: "org:member",
      permissions: ["org:posts:read", "org:posts:write"],
      identifier: "jane.doe@acme.com",
      publicMetadata: {},
      publicMetadataJson: "{}",
      createdAt: 1716883200000,
      updatedAt: 1716883200000,
    });
    expect((await deliver(t, memDeleted)).body.outcome).toBe("deleted");
    expect(await getMembership(t, ORG, JANE)).toBeNull();
    expect((await deliver(t, orgDeleted)).body.outcome).toBe("deleted");
    expect(await getOrg(t, ORG)).toBeNull();
    expect(await t.query(async (ctx) => clerk.getOrganizationBySlug(ctx, "acme-corp"))).toBeNull();
  });
});

describe("delivery guarantees for organizations", () => {
  test("a membership that arrives before its organization and its user is stored, and completed later", async () => {
    const t = initConvexTest();
    const membership = membershipCreated({ orgId: "org_early", userId: "user_early", updated_at: 10 });
    expect((await deliver(t, membership)).body.outcome).toBe("inserted");
    // The membership payload carried the organization: it is stored from that snapshot.
    expect(await getOrg(t, "org_early")).toMatchObject({ name: "Acme Corp" });
    await deliver(t, organizationCreated({ id: "org_early", name: "Early Inc", slug: "early", updated_at: 50 }));
    await deliver(t, userCreated({ id: "user_early", first_name: "Ea", last_name: null }));
    const orgs = await t.query(async (ctx) => clerk.listOrganizationsForUser(ctx, "user_early"));
    expect(orgs.map(({ organization, membership }) => [organization?.name, membership.role])).toEqual([
      ["Early Inc", "org:member"],
    ]);
  });

  test("membership updates are ordered by updated_at; duplicates are no-ops", async () => {
    const t = initConvexTest();
    const id = "orgmem_order";
    const base = { id, orgId: "org_o", userId: "user_o" };
    await deliver(t, membershipUpdated({ ...base, role: "org:admin", updated_at: 3 }), { id: "msg_admin" });
    expect((await deliver(t, membershipCreated({ ...base, role: "org:member", updated_at: 1 }))).body.outcome).toBe(
      "stale",
    );
    expect((await deliver(t, membershipUpdated({ ...base, role: "org:member", updated_at: 2 }))).body.outcome).toBe(
      "stale",
    );
    expect(
      (await deliver(t, membershipUpdated({ ...base, role: "org:x", updated_at: 9 }), { id: "msg_admin" })).body
        .outcome,
    ).toBe("duplicate");
    expect(await getMembership(t, "org_o", "user_o")).toMatchObject({ role: "org:admin", updatedAt: 3 });
  });

  test("an older organization snapshot, or one carried by a membership, never overwrites a newer one", async () => {
    const t = initConvexTest();
    await deliver(t, organizationUpdated({ id: "org_n", name: "Newest", updated_at: 100 }));
    expect((await deliver(t, organizationCreated({ id: "org_n", name: "Old", updated_at: 50 }))).body.outcome).toBe(
      "stale",
    );
    await deliver(t, membershipCreated({ orgId: "org_n" })); // embeds an older organization
    expect(await getOrg(t, "org_n")).toMatchObject({ name: "Newest" });
  });

  test("a deleted organization stays deleted: late snapshots and memberships are stale", async () => {
    const t = initConvexTest();
    await deliver(t, organizationCreated({ id: "org_gone", updated_at: 1 }));
    await deliver(t, organizationDeleted("org_gone", "gone"));
    expect((await deliver(t, organizationUpdated({ id: "org_gone", updated_at: 99 }))).body.outcome).toBe("stale");
    expect((await deliver(t, membershipCreated({ orgId: "org_gone" }))).body.outcome).toBe("stale");
    expect(await count(t, "organizations")).toBe(0);
    expect(await count(t, "memberships")).toBe(0);
  });

  test("deleted-object payloads with only an id, or no id, answer 2xx", async () => {
    const t = initConvexTest();
    expect(
      (await deliver(t, { type: "organization.deleted", object: "event", data: { id: "org_x", deleted: true } })).body
        .outcome,
    ).toBe("tombstoned");
    expect(
      (await deliver(t, { type: "organization.deleted", object: "event", data: { slug: "x", deleted: true } })).body
        .outcome,
    ).toBe("ignored");
    expect(
      (
        await deliver(t, {
          type: "organizationMembership.deleted",
          object: "event",
          data: { object: "organization_membership", deleted: true },
        })
      ).body.outcome,
    ).toBe("ignored");
    expect(
      (await deliver(t, { type: "organizationMembership.deleted", object: "event", data: { id: "orgmem_x" } })).body
        .outcome,
    ).toBe("tombstoned");
  });

  test("a membership without public_user_data is stored, and a later one says who the member is", async () => {
    const t = initConvexTest();
    const payload = membershipCreated({ id: "orgmem_anon", orgId: "org_a", updated_at: 1 });
    delete (payload.data as { public_user_data?: unknown }).public_user_data;
    expect((await deliver(t, payload)).status).toBe(200);
    const stored = await inComponent(t, (ctx) => ctx.db.query("memberships").collect());
    expect(stored).toMatchObject([{ membershipId: "orgmem_anon", clerkId: null, identifier: null }]);
    await deliver(t, membershipUpdated({ id: "orgmem_anon", orgId: "org_a", userId: "user_a", updated_at: 2 }));
    expect(await getMembership(t, "org_a", "user_a")).toMatchObject({ membershipId: "orgmem_anon" });
    // A still later snapshot without it does not forget.
    const later = membershipUpdated({ id: "orgmem_anon", orgId: "org_a", role: "org:admin", updated_at: 3 });
    delete (later.data as { public_user_data?: unknown }).public_user_data;
    await deliver(t, later);
    expect(await getMembership(t, "org_a", "user_a")).toMatchObject({ role: "org:admin" });
  });

  test.each([
    ["an older", 1],
    ["an equal", 5],
  ])("%s snapshot that names the member fills in who a newer anonymous one hides", async (_, updatedAt) => {
    const t = initConvexTest();
    const anonymous = membershipUpdated({ id: "orgmem_late", orgId: "org_b", role: "org:admin", updated_at: 5 });
    delete (anonymous.data as { public_user_data?: unknown }).public_user_data;
    expect((await deliver(t, anonymous)).body.outcome).toBe("inserted");
    const named = membershipCreated({ id: "orgmem_late", orgId: "org_b", userId: "user_b", updated_at: updatedAt });
    expect((await deliver(t, named)).body.outcome).toBe("updated");

    // The newer snapshot's data stays; only the member's id is learned.
    expect(await getMembership(t, "org_b", "user_b")).toMatchObject({ role: "org:admin", updatedAt: 5 });
    const forUser = await t.query(async (ctx) => clerk.listOrganizationsForUser(ctx, "user_b"));
    expect(forUser.map(({ membership }) => membership.membershipId)).toEqual(["orgmem_late"]);
    const asMember = t.withIdentity({ issuer: ISSUER, subject: "user_b" });
    expect(await asMember.query(async (ctx) => (await clerk.requireOrgRole(ctx, "org_b", "org:admin")).clerkId)).toBe(
      "user_b",
    );
    // Once known, a redelivery of either changes nothing.
    expect((await deliver(t, named)).body.outcome).toBe(updatedAt < 5 ? "stale" : "unchanged");
    expect((await deliver(t, anonymous)).body.outcome).toBe("unchanged");
  });

  test("a membership with a null identifier, odd permissions and a legacy role is kept as sent", async () => {
    const t = initConvexTest();
    const payload = membershipCreated({
      orgId: "org_l",
      userId: "user_l",
      role: "basic_member",
      permissions: ["org:a", 7, null],
    });
    (payload.data.public_user_data as { identifier: unknown }).identifier = null;
    expect((await deliver(t, payload)).status).toBe(200);
    expect(await getMembership(t, "org_l", "user_l")).toMatchObject({
      role: "basic_member",
      permissions: ["org:a"],
      identifier: null,
    });
  });

  test("deleting a large organization removes its thousands of memberships in batches", async () => {
    vi.useFakeTimers();
    const t = initConvexTest();
    await deliver(t, organizationCreated({ id: "org_big", updated_at: 1 }));
    await inComponent(t, async (ctx) => {
      for (let i = 0; i < 1_050; i++) {
        await ctx.db.insert("memberships", {
          membershipId: `orgmem_${i}`,
          orgId: "org_big",
          clerkId: `user_${i}`,
          role: "org:member",
          permissions: [],
          identifier: null,
          publicMetadataJson: "{}",
          createdAt: 1,
          updatedAt: 1,
        });
      }
    });
    await deliver(t, membershipCreated({ orgId: "org_other", userId: "user_1" }));
    expect((await deliver(t, organizationDeleted("org_big"))).body.outcome).toBe("deleted");
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await count(t, "memberships")).toBe(1); // only the other organization's
    expect(await t.query(async (ctx) => clerk.listOrganizationsForUser(ctx, "user_1"))).toHaveLength(1);
  });

  test("a membership removed with its user stays deleted, even by a later payload that no longer names the user", async () => {
    vi.useFakeTimers();
    const t = initConvexTest();
    await deliver(t, membershipCreated({ id: "orgmem_z", orgId: "org_z", userId: "user_z", updated_at: 1 }));
    await deliver(t, userDeleted("user_z"));
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await count(t, "memberships")).toBe(0);
    const anonymous = membershipUpdated({ id: "orgmem_z", orgId: "org_z", updated_at: 2 });
    delete (anonymous.data as { public_user_data?: unknown }).public_user_data;
    expect((await deliver(t, anonymous)).body.outcome).toBe("stale");
    expect(await count(t, "memberships")).toBe(0);
  });

  test("deleting a user removes their memberships", async () => {
    vi.useFakeTimers();
    const t = initConvexTest();
    await deliver(t, userCreated({ id: "user_m" }));
    for (const orgId of ["org_1", "org_2"]) await deliver(t, membershipCreated({ orgId, userId: "user_m" }));
    await deliver(t, membershipCreated({ orgId: "org_1", userId: "user_other" }));
    await deliver(t, userDeleted("user_m"));
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await t.query(async (ctx) => clerk.listOrganizationsForUser(ctx, "user_m"))).toEqual([]);
    expect(await count(t, "memberships")).toBe(1);
    // A late membership for the deleted user is stale.
    expect((await deliver(t, membershipCreated({ orgId: "org_3", userId: "user_m" }))).body.outcome).toBe("stale");
  });
});

describe("reading organizations from host functions", () => {
  test("listMembers pages through an organization's members", async () => {
    const t = initConvexTest();
    for (let i = 0; i < 5; i++) await deliver(t, membershipCreated({ orgId: "org_p", userId: `user_${i}` }));
    await deliver(t, membershipCreated({ orgId: "org_q", userId: "user_9" }));
    const first = await t.query(async (ctx) =>
      clerk.listMembers(ctx, "org_p", { paginationOpts: { numItems: 3, cursor: null } }),
    );
    const second = await t.query(async (ctx) =>
      clerk.listMembers(ctx, "org_p", { paginationOpts: { numItems: 3, cursor: first.continueCursor } }),
    );
    expect([...first.page, ...second.page].map((m) => m.clerkId).sort()).toEqual([
      "user_0",
      "user_1",
      "user_2",
      "user_3",
      "user_4",
    ]);
    expect(second.isDone).toBe(true);
  });

  test("only members read an organization's projects; only admins (or legacy admins) create them", async () => {
    vi.useFakeTimers();
    const t = initConvexTest();
    await deliver(t, organizationCreated({ id: "org_app", updated_at: 1 }));
    await deliver(t, membershipCreated({ orgId: "org_app", userId: "user_admin", role: "org:admin" }));
    await deliver(t, membershipCreated({ orgId: "org_app", userId: "user_legacy", role: "admin" }));
    await deliver(
      t,
      membershipCreated({
        orgId: "org_app",
        userId: "user_member",
        role: "org:member",
        permissions: ["org:posts:write"],
      }),
    );
    const as = (subject: string) => t.withIdentity({ issuer: ISSUER, subject });
    const codeOf = async (run: () => Promise<unknown>) => {
      try {
        await run();
        return "ok";
      } catch (error) {
        return error instanceof ConvexError ? (error.data as { code: string }).code : String(error);
      }
    };
    expect(
      await codeOf(() => as("user_admin").mutation(api.projects.create, { orgId: "org_app", name: "Apollo" })),
    ).toBe("ok");
    expect(
      await codeOf(() => as("user_legacy").mutation(api.projects.create, { orgId: "org_app", name: "Gemini" })),
    ).toBe("ok");
    expect(await codeOf(() => as("user_member").mutation(api.projects.create, { orgId: "org_app", name: "X" }))).toBe(
      "FORBIDDEN",
    );
    expect(await as("user_member").query(api.projects.list, { orgId: "org_app" })).toEqual([
      { name: "Apollo", createdBy: "user_admin" },
      { name: "Gemini", createdBy: "user_legacy" },
    ]);
    expect(await codeOf(() => as("user_stranger").query(api.projects.list, { orgId: "org_app" }))).toBe("FORBIDDEN");
    expect(await codeOf(() => t.query(api.projects.list, { orgId: "org_app" }))).toBe("UNAUTHENTICATED");
    // A permission requirement.
    const byPermission = (subject: string) =>
      codeOf(() =>
        as(subject).query(async (ctx) => clerk.requireOrgRole(ctx, "org_app", { permission: "org:posts:write" })),
      );
    expect([await byPermission("user_member"), await byPermission("user_legacy")]).toEqual(["ok", "FORBIDDEN"]);

    // The example's organization hook deletes the projects with the organization.
    await deliver(t, organizationDeleted("org_app"));
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await t.run(async (ctx) => (await ctx.db.query("projects").collect()).length)).toBe(0);
  });
});
