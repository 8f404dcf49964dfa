// @vitest-environment node
// Full passes with organizations and billing: organizations, memberships, permissions, roles,
// plans and subscription items, listed and reconciled.
import { describe, expect, test, vi } from "vitest";
import { makeFunctionReference } from "convex/server";
import { ClerkSync } from "convex-clerk-sync";
import { organizationDeleted, organizationUpdated, roleDeleted, subscriptionItemEvent } from "convex-clerk-sync/test";
import { components, internal } from "../example/convex/_generated/api";
import { clerkApi, drain, startWithPageSize, useClerkApiStandIn } from "./backfillSetup";
import { deliver, inComponent, initConvexTest, type TestApp } from "./setup";

const clerk = new ClerkSync(components.clerk);
useClerkApiStandIn();

describe("backfill of organizations and memberships", () => {
  test("after the users: organizations, then memberships, under the webhook rules", async () => {
    const t = initConvexTest();
    const [ada, bob] = clerkApi.addUsers(2);
    const acme = clerkApi.addOrganization({ name: "Acme", slug: "acme" });
    const globex = clerkApi.addOrganization({ name: "Globex", slug: "globex" });
    clerkApi.addMembership(acme.id, ada.id, "org:admin");
    clerkApi.addMembership(acme.id, bob.id);
    clerkApi.addMembership(globex.id, bob.id, "admin");
    // A webhook already brought a newer Acme.
    await deliver(
      t,
      organizationUpdated({ id: acme.id, name: "Acme (renamed)", slug: "acme", updated_at: acme.created_at + 1 }),
    );

    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { byKind: { users: { seen: 2 }, organizations: { seen: 2 }, memberships: { seen: 3 } } },
    });
    const orgs = await inComponent(t, (ctx) => ctx.db.query("organizations").collect());
    expect(orgs.map((o) => o.name).sort()).toEqual(["Acme (renamed)", "Globex"]);
    const bobs = await t.query(async (ctx) => clerk.listOrganizationsForUser(ctx, bob.id));
    expect(bobs.map(({ organization, membership }) => [organization?.slug, membership.role]).sort()).toEqual([
      ["acme", "org:member"],
      ["globex", "admin"],
    ]);
    expect(clerkApi.requests.some((r) => r.path.startsWith("/v1/organization_memberships"))).toBe(true);
  });
});

describe("reconciliation of organizations and memberships", () => {
  test("a full pass deletes, with hooks and tombstones, the organizations and memberships Clerk no longer has", async () => {
    const t = initConvexTest();
    const [ada, bob, cy] = clerkApi.addUsers(3);
    const acme = clerkApi.addOrganization({ name: "Acme", slug: "acme" });
    const globex = clerkApi.addOrganization({ name: "Globex", slug: "globex" });
    clerkApi.addMembership(acme.id, ada.id, "org:admin");
    const bobAtAcme = clerkApi.addMembership(acme.id, bob.id);
    const cyAtAcme = clerkApi.addMembership(acme.id, cy.id);
    const bobAtGlobex = clerkApi.addMembership(globex.id, bob.id, "org:admin");
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { byKind: { organizations: { seen: 2 }, memberships: { seen: 4 } } },
    });
    await t.run((ctx) => ctx.db.insert("projects", { orgId: globex.id, name: "Plan", createdBy: bob.id }));

    // Gone from Clerk with no webhook delivered: Globex (and, with it, its membership) and two of Acme's members.
    clerkApi.deleteOrganization(globex.id);
    clerkApi.memberships.delete(bobAtAcme.id);
    clerkApi.memberships.delete(cyAtAcme.id);
    vi.advanceTimersByTime(60 * 60 * 1000);
    const before = clerkApi.requests.length;
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: {
        byKind: { organizations: { deleted: 1, seen: 1 }, memberships: { deleted: 2, seen: 1 }, users: { deleted: 0 } },
      },
    });
    const orgs = await inComponent(t, (ctx) => ctx.db.query("organizations").collect());
    expect(orgs.map((o) => o.orgId)).toEqual([acme.id]);
    const memberships = await inComponent(t, (ctx) => ctx.db.query("memberships").collect());
    expect(memberships.map((m) => [m.orgId, m.clerkId])).toEqual([[acme.id, ada.id]]);
    const tombstones = await inComponent(t, (ctx) => ctx.db.query("tombstones").collect());
    // Globex's membership went with Globex, and is tombstoned too.
    const tombstoned = [bobAtAcme.id, cyAtAcme.id, globex.id, bobAtGlobex.id];
    expect(tombstones.map((row) => row.objectId).sort()).toEqual(tombstoned.sort());
    // The organization hook ran: Globex's projects went with it.
    expect(await t.run((ctx) => ctx.db.query("projects").collect())).toEqual([]);
    // Confirmed with Clerk: Globex by id, Acme's two missing members in one request.
    const paths = clerkApi.requests.slice(before).map((r) => decodeURIComponent(r.path));
    expect(paths.filter((path) => path === `/v1/organizations/${globex.id}`)).toHaveLength(1);
    const confirm = paths.filter((path) => path.startsWith(`/v1/organizations/${acme.id}/memberships`));
    expect(confirm).toHaveLength(1);
    expect(confirm[0]).toContain(`user_id=${bob.id}`);
    expect(confirm[0]).toContain(`user_id=${cy.id}`);
  });

  test("organizations deleted mid-run shift Clerk's offset list: the run reads back and skips nobody", async () => {
    const t = initConvexTest();
    const orgs = Array.from({ length: 8 }, (_, i) => clerkApi.addOrganization({ name: `Org ${i}` }));
    await startWithPageSize(t, 3, "full", "example");
    let deleted = false;
    const done = await drain(t, async (s) => {
      if (s.phase === "organizations" && s.counts.byKind.organizations.seen === 3 && !deleted) {
        deleted = true; // the whole first page goes
        for (const org of orgs.slice(0, 3)) {
          clerkApi.deleteOrganization(org.id);
          await deliver(t, organizationDeleted(org.id));
        }
      }
    });
    expect(deleted).toBe(true);
    // Each page re-reads the previous page's last two. At offset 1 the list had shifted by three:
    // none of those two came back and the page began after them, so the run read from 0 again.
    expect(done).toMatchObject({ status: "done", counts: { rewinds: 1, byKind: { organizations: { seen: 8 } } } });
    const offsets = clerkApi.requests
      .filter((r) => r.path.startsWith("/v1/organizations?"))
      .map((r) => new URL(r.path, clerkApi.url).searchParams.get("offset") ?? "0"); // @clerk/backend omits 0
    expect(offsets).toEqual(["0", "1", "0", "1", "2", "3"]);
    const stored = await inComponent(t, (ctx) => ctx.db.query("organizations").collect());
    expect(stored.map((o) => o.orgId).sort()).toEqual(
      orgs
        .slice(3)
        .map((o) => o.id)
        .sort(),
    );
  });
});

describe("backfill of roles, permissions and Clerk Billing", () => {
  const roleRows = (t: TestApp) =>
    inComponent(t, async (ctx) => ({
      roles: await ctx.db.query("roles").collect(),
      permissions: await ctx.db.query("permissions").collect(),
    }));

  test("roles and permissions after the memberships: effective permissions follow them; a second pass changes nothing", async () => {
    const t = initConvexTest();
    const [ada] = clerkApi.addUsers(1);
    const acme = clerkApi.addOrganization({ name: "Acme", slug: "acme" });
    const create = clerkApi.addPermission({ key: "org:posts:create", name: "Create posts" });
    const remove = clerkApi.addPermission({ key: "org:posts:delete", name: "Delete posts" });
    clerkApi.addPermission({ key: "org:reports:read", name: "Read reports", type: "system" });
    clerkApi.addRole("org:editor", [create, remove]);
    // The membership carried nothing: only the synced role grants Ada anything.
    clerkApi.addMembership(acme.id, ada.id, "org:editor", { permissions: [] });

    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: {
        byKind: { memberships: { seen: 1 }, permissions: { seen: 3, deleted: 0 }, roles: { seen: 1, deleted: 0 } },
      },
    });
    const membership = await t.query(async (ctx) => clerk.getMembership(ctx, { orgId: acme.id, clerkId: ada.id }));
    expect(membership?.permissions.sort()).toEqual(["org:posts:create", "org:posts:delete"]);
    expect(await t.query(async (ctx) => clerk.getRole(ctx, "org:editor"))).toMatchObject({
      name: "org:editor",
      permissions: [
        { permissionId: create.id, key: "org:posts:create" },
        { permissionId: remove.id, key: "org:posts:delete" },
      ],
    });
    const reports = (await roleRows(t)).permissions.find((p) => p.key === "org:reports:read");
    expect(reports).toMatchObject({ name: "Read reports", type: "system" });
    const lists = clerkApi.requests.map((r) => decodeURIComponent(r.path));
    expect(lists.filter((path) => path.startsWith("/v1/organization_roles?"))).toEqual([
      "/v1/organization_roles?limit=50&offset=0&order_by=+created_at",
    ]);
    expect(lists.filter((path) => path.startsWith("/v1/organization_permissions?"))).toHaveLength(1);

    const before = await roleRows(t);
    vi.advanceTimersByTime(60 * 60 * 1000);
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { byKind: { permissions: { seen: 3, deleted: 0 }, roles: { seen: 1, deleted: 0 } } },
    });
    expect(await roleRows(t)).toEqual(before);
  });

  test("a full pass deletes the roles and permissions Clerk no longer has; a tombstoned role stays deleted", async () => {
    const t = initConvexTest();
    const [ada] = clerkApi.addUsers(1);
    const acme = clerkApi.addOrganization({ name: "Acme" });
    const read = clerkApi.addPermission({ key: "org:posts:read" });
    const legacy = clerkApi.addPermission({ key: "org:legacy:use" });
    clerkApi.addRole("org:viewer", [read]);
    const retired = clerkApi.addRole("org:retired", [legacy]);
    const removed = clerkApi.addRole("org:removed", [read]);
    clerkApi.addMembership(acme.id, ada.id, "org:removed", { permissions: ["org:carried:only"] });
    // Clerk's role.deleted arrived, but Clerk's list still has the role (it lags, or it was read first).
    await deliver(t, roleDeleted(removed.id));

    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({ status: "done", counts: { byKind: { roles: { seen: 3, deleted: 0 } } } });
    expect(await t.query(async (ctx) => clerk.getRole(ctx, "org:removed"))).toBeNull();
    expect((await roleRows(t)).roles.map((r) => r.key).sort()).toEqual(["org:retired", "org:viewer"]);
    // With its role deleted, the membership falls back to what it carried.
    const membership = await t.query(async (ctx) => clerk.getMembership(ctx, { orgId: acme.id, clerkId: ada.id }));
    expect(membership?.permissions).toEqual(["org:carried:only"]);

    // Gone from Clerk with no webhook delivered.
    clerkApi.roles.delete(retired.id);
    clerkApi.permissions.delete(legacy.id);
    vi.advanceTimersByTime(60 * 60 * 1000);
    const before = clerkApi.requests.length;
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { byKind: { roles: { seen: 2, deleted: 1 }, permissions: { seen: 1, deleted: 1 } } },
    });
    const { roles, permissions } = await roleRows(t);
    expect(roles.map((r) => r.key)).toEqual(["org:viewer"]);
    expect(permissions.map((p) => p.key)).toEqual(["org:posts:read"]);
    const tombstones = await inComponent(t, (ctx) => ctx.db.query("tombstones").collect());
    expect(tombstones.map((row) => row.objectId).sort()).toEqual([legacy.id, removed.id, retired.id].sort());
    // Each confirmed with Clerk first; the tombstoned role is no candidate.
    const paths = clerkApi.requests.slice(before).map((r) => r.path);
    expect(paths.filter((path) => /^\/v1\/organization_(roles|permissions)\/[^?]/.test(path)).sort()).toEqual(
      [`/v1/organization_permissions/${legacy.id}`, `/v1/organization_roles/${retired.id}`].sort(),
    );
  });

  test("billing: plans' features and every subscription item, free ones included; a second pass changes nothing", async () => {
    const t = initConvexTest({ "../example/convex/billingBackfill.ts": () => import("./support/billingBackfill") });
    const app = t;
    const start = makeFunctionReference<"mutation">("billingBackfill:start");
    clerkApi.addPlan("free", ["basic"], true);
    clerkApi.addPlan("pro", ["export", "api"]);
    clerkApi.addPlan("team", ["seats"]);
    const ada = "user_ada";
    const bob = "user_bob";
    const acme = "org_acme";
    clerkApi.addSubscriptionItem("team", { userId: ada }, { status: "ended" });
    clerkApi.addSubscriptionItem("pro", { userId: ada });
    clerkApi.addSubscriptionItem("free", { userId: bob });
    const acmeTeam = clerkApi.addSubscriptionItem("team", { orgId: acme });
    // A webhook already stored Acme's item, without its plan's features (webhooks never list them).
    await deliver(app, subscriptionItemEvent("active", { ...acmeTeam, plan: "team", payer: { orgId: acme } }));
    expect(await t.query(async (ctx) => clerk.hasFeature(ctx, { orgId: acme }, "seats"))).toBe(false);

    await t.mutation(start, {});
    expect(await drain(app)).toMatchObject({
      status: "done",
      billing: true,
      counts: { byKind: { billingPlans: { seen: 3 }, subscriptionItems: { seen: 4 } } },
    });
    const answers = await t.query(async (ctx) => ({
      adaPro: await clerk.hasPlan(ctx, { userId: ada }, "pro"),
      adaExport: await clerk.hasFeature(ctx, { userId: ada }, "export"),
      adaSeats: await clerk.hasFeature(ctx, { userId: ada }, "seats"), // her team item ended
      bobFree: await clerk.hasPlan(ctx, { userId: bob }, "free"),
      bobBasic: await clerk.hasFeature(ctx, { userId: bob }, "basic"),
      acmeTeam: await clerk.hasPlan(ctx, { orgId: acme }, "team"),
      acmeSeats: await clerk.hasFeature(ctx, { orgId: acme }, "seats"),
      acmeExport: await clerk.hasFeature(ctx, { orgId: acme }, "export"),
    }));
    expect(answers).toEqual({
      adaPro: true,
      adaExport: true,
      adaSeats: false,
      bobFree: true,
      bobBasic: true,
      acmeTeam: true,
      acmeSeats: true,
      acmeExport: false,
    });
    const items = clerkApi.requests.filter((r) => r.path.startsWith("/v1/billing/subscription_items?"));
    expect(items.map((r) => new URL(r.path, clerkApi.url).searchParams.get("include_free"))).toEqual(["true"]);

    const stored = () => inComponent(app, (ctx) => ctx.db.query("subscriptionItems").collect());
    const before = await stored();
    expect(before).toHaveLength(4);
    vi.advanceTimersByTime(60 * 60 * 1000);
    await t.mutation(start, {});
    expect(await drain(app)).toMatchObject({
      status: "done",
      counts: { byKind: { billingPlans: { seen: 3 }, subscriptionItems: { seen: 4 } } },
    });
    expect(await stored()).toEqual(before);
  });
});
