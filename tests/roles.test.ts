import { describe, expect, test, vi } from "vitest";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { ClerkSync } from "convex-clerk-sync";
import {
  clerkPermission,
  membershipCreated,
  permissionDeleted,
  permissionUpdated,
  roleCreated,
  roleDeleted,
  roleUpdated,
} from "convex-clerk-sync/test";
import { api, components } from "../example/convex/_generated/api";
import permCreated from "./fixtures/openapi-permission.created.json";
import permDeleted from "./fixtures/openapi-permission.deleted.json";
import permUpdated from "./fixtures/openapi-permission.updated.json";
import roleCreatedFixture from "./fixtures/openapi-role.created.json";
import roleDeletedFixture from "./fixtures/openapi-role.deleted.json";
import roleUpdatedFixture from "./fixtures/openapi-role.updated.json";
import { deliver, inComponent, initConvexTest, type TestApp, ISSUER } from "./setup";

const clerk = new ClerkSync(components.clerk);

const getRole = (t: TestApp, key: string) => t.query(async (ctx) => clerk.getRole(ctx, key));
const outcome = async (t: TestApp, payload: unknown, id?: string) =>
  (await deliver(t, payload, id ? { id } : {})).body.outcome;
const count = (t: TestApp, table: "roles" | "permissions" | "tombstones") =>
  inComponent(t, async (ctx) => (await ctx.db.query(table).collect()).length);

/** What requireOrgRole answers for a permission: "ok", or the ConvexError's code. */
async function permissionCheck(t: TestApp, orgId: string, clerkId: string, permission: string) {
  try {
    await t
      .withIdentity({ issuer: ISSUER, subject: clerkId })
      .query(async (ctx) => clerk.requireOrgRole(ctx, orgId, { permission }));
    return "ok";
  } catch (error) {
    return error instanceof ConvexError ? (error.data as { code: string }).code : String(error);
  }
}

describe("Clerk's documented role and permission payloads", () => {
  test("role created, its permission renamed, the role updated (new key), then both deleted", async () => {
    const t = initConvexTest();
    expect(await outcome(t, roleCreatedFixture)).toBe("inserted");
    expect(await getRole(t, "org:content_manager")).toEqual({
      roleId: "role_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      key: "org:content_manager",
      name: "Content Manager",
      description: "Can manage all content in the organization",
      permissions: [{ permissionId: "perm_2g7np7Hrk0SN6kj5EDMLDaKNL0S", key: "org:posts:create" }],
      createdAt: 1716883200000,
      updatedAt: 1716883200000,
    });
    // The role payload carried its permission: it is stored from that snapshot.
    expect(await count(t, "permissions")).toBe(1);
    expect(await outcome(t, permCreated)).toBe("unchanged");
    expect(await outcome(t, permUpdated)).toBe("updated");
    const permission = await inComponent(t, (ctx) => ctx.db.query("permissions").first());
    expect(permission).toMatchObject({ name: "Create and Edit Posts", key: "org:posts:create", type: "custom" });

    expect(await outcome(t, roleUpdatedFixture)).toBe("updated");
    expect(await getRole(t, "org:content_manager")).toBeNull();
    // The role carries perm_…0S as `org:posts:edit` at 1716883200000; the newer permission
    // snapshot (1716883500000) calls it `org:posts:create`, and the newer one wins.
    expect((await getRole(t, "editor"))?.permissions.map(({ key }) => key)).toEqual([
      "org:posts:create",
      "org:posts:publish",
    ]);

    expect(await outcome(t, roleDeletedFixture)).toBe("deleted");
    expect(await getRole(t, "editor")).toBeNull();
    expect(await outcome(t, permDeleted)).toBe("deleted");
    expect(await count(t, "tombstones")).toBe(2);
  });
});

describe("delivery guarantees for roles and permissions", () => {
  test("ordered by updated_at; a redelivery is a duplicate; a deleted role stays deleted", async () => {
    const t = initConvexTest();
    const role = { id: "role_o", key: "org:editor" };
    expect(
      await outcome(t, roleUpdated({ ...role, permissions: ["org:a:read", "org:a:write"], updated_at: 20 }), "msg_r"),
    ).toBe("inserted");
    expect(await outcome(t, roleCreated({ ...role, permissions: ["org:a:read"], updated_at: 10 }))).toBe("stale");
    expect(await outcome(t, roleUpdated({ ...role, permissions: [], updated_at: 30 }), "msg_r")).toBe("duplicate");
    expect((await getRole(t, "org:editor"))?.permissions.map(({ key }) => key)).toEqual(["org:a:read", "org:a:write"]);

    expect(await outcome(t, roleDeleted("role_o"))).toBe("deleted");
    expect(await outcome(t, roleUpdated({ ...role, updated_at: 99 }))).toBe("stale");
    expect(await getRole(t, "org:editor")).toBeNull();
    expect(await outcome(t, roleDeleted("role_o"))).toBe("unchanged");
  });

  test("an older permission snapshot, or one a role carries, never overwrites a newer one", async () => {
    const t = initConvexTest();
    await deliver(t, permissionUpdated({ id: "perm_n", key: "org:posts:publish", updated_at: 50 }));
    expect(await outcome(t, permissionUpdated({ id: "perm_n", key: "org:posts:old", updated_at: 40 }))).toBe("stale");
    const carried = clerkPermission({ id: "perm_n", key: "org:posts:older", updated_at: 10 });
    await deliver(t, roleCreated({ key: "org:editor", permissions: [carried] }));
    expect((await getRole(t, "org:editor"))?.permissions).toEqual([
      { permissionId: "perm_n", key: "org:posts:publish" },
    ]);
  });

  test("deleted-object payloads with only an id answer 2xx; without an id they are ignored", async () => {
    const t = initConvexTest();
    expect(await outcome(t, roleDeleted("role_never_seen"))).toBe("tombstoned");
    expect(await outcome(t, permissionDeleted("perm_never_seen"))).toBe("tombstoned");
    expect(
      await outcome(t, { type: "role.deleted", object: "event", data: { object: "role", slug: null, deleted: true } }),
    ).toBe("ignored");
    expect(await outcome(t, { type: "permission.deleted", object: "event", data: { deleted: true } })).toBe("ignored");
    // A permission deleted before its role arrives is left out of the role.
    await deliver(
      t,
      roleCreated({ key: "org:x", permissions: [clerkPermission({ id: "perm_never_seen", key: "org:x:y" })] }),
    );
    expect((await getRole(t, "org:x"))?.permissions).toEqual([]);
  });

  test("odd role and permission payloads are stored as far as they go, never a 5xx", async () => {
    const t = initConvexTest();
    const odd = [
      { type: "role.created", object: "event", data: { id: "role_bare" } },
      {
        type: "role.updated",
        object: "event",
        data: { id: "role_odd", key: "org:odd", permissions: "all", updated_at: "x" },
      },
      {
        type: "role.updated",
        object: "event",
        data: { id: "role_p", key: "org:p", permissions: [{ key: "org:p:q" }, 7, null] },
      },
      { type: "permission.created", object: "event", data: { id: "perm_bare" } },
      { type: "permission.updated", object: "event", data: { id: "perm_odd", key: 12, name: null, description: {} } },
    ];
    for (const payload of odd) expect((await deliver(t, payload)).status).toBe(200);
    expect(await getRole(t, "org:odd")).toMatchObject({ roleId: "role_odd", permissions: [], updatedAt: 0 });
    expect(await getRole(t, "org:p")).toMatchObject({ permissions: [] });
    expect(await count(t, "roles")).toBe(3);
    expect(await count(t, "permissions")).toBe(2);
    // A role without a key matches no membership, not even one without a role.
    const member = membershipCreated({ orgId: "org_odd", userId: "user_odd", role: "", permissions: ["org:a:b"] });
    await deliver(t, member);
    expect(await permissionCheck(t, "org_odd", "user_odd", "org:a:b")).toBe("ok");
  });
});

describe("permission checks follow the role, without membership events", () => {
  test("requireOrgRole and every read see the role's current permissions", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = initConvexTest();
    const orgId = "org_roles";
    // Clerk computed the member's permissions when the membership was last delivered.
    await deliver(
      t,
      membershipCreated({ orgId, userId: "user_ed", role: "org:editor", permissions: ["org:posts:read"] }),
    );
    expect(await permissionCheck(t, orgId, "user_ed", "org:posts:publish")).toBe("FORBIDDEN");

    // The role is synced: its permission set is what counts.
    const read = clerkPermission({ id: "perm_read", key: "org:posts:read", updated_at: 1 });
    const publish = clerkPermission({ id: "perm_publish", key: "org:posts:publish", updated_at: 1 });
    await deliver(t, roleCreated({ id: "role_ed", key: "org:editor", permissions: [read, publish], updated_at: 10 }));
    expect(await permissionCheck(t, orgId, "user_ed", "org:posts:publish")).toBe("ok");
    expect(await permissionCheck(t, orgId, "user_ed", "posts:publish")).toBe("ok"); // `org:` is optional, as in Clerk

    // The role loses a permission.
    await deliver(t, roleUpdated({ id: "role_ed", key: "org:editor", permissions: [read], updated_at: 20 }));
    expect(await permissionCheck(t, orgId, "user_ed", "org:posts:publish")).toBe("FORBIDDEN");
    expect(await permissionCheck(t, orgId, "user_ed", "org:posts:read")).toBe("ok");

    // A permission is renamed, then deleted: no role event at all.
    await deliver(t, permissionUpdated({ id: "perm_read", key: "org:articles:read", updated_at: 30 }));
    expect(await permissionCheck(t, orgId, "user_ed", "org:posts:read")).toBe("FORBIDDEN");
    expect(await permissionCheck(t, orgId, "user_ed", "org:articles:read")).toBe("ok");
    const membership = await t.query(async (ctx) => clerk.getMembership(ctx, { orgId, clerkId: "user_ed" }));
    expect(membership?.permissions).toEqual(["org:articles:read"]);
    const [listed] = (
      await t.query(async (ctx) => clerk.listMembers(ctx, orgId, { paginationOpts: { numItems: 10, cursor: null } }))
    ).page;
    expect(listed.permissions).toEqual(["org:articles:read"]);
    const [forUser] = await t.query(async (ctx) => clerk.listOrganizationsForUser(ctx, "user_ed"));
    expect(forUser.membership.permissions).toEqual(["org:articles:read"]);

    await deliver(t, permissionDeleted("perm_read"));
    expect(await permissionCheck(t, orgId, "user_ed", "org:articles:read")).toBe("FORBIDDEN");
    // ...and stays withdrawn once its tombstone has expired (swept after 30 days).
    vi.setSystemTime(Date.now() + 31 * 24 * 60 * 60 * 1000);
    await inComponent(t, (ctx) => ctx.runMutation(makeFunctionReference<"mutation">("retention:sweep"), {}));
    expect(await count(t, "tombstones")).toBe(0);
    expect(await permissionCheck(t, orgId, "user_ed", "org:articles:read")).toBe("FORBIDDEN");
    expect(await permissionCheck(t, orgId, "user_ed", "org:posts:read")).toBe("FORBIDDEN");
    const afterSweep = await t.query(async (ctx) => clerk.getMembership(ctx, { orgId, clerkId: "user_ed" }));
    expect(afterSweep?.permissions).toEqual([]);

    // The role is deleted: what the membership carried counts again. The stored row never changed.
    await deliver(t, roleDeleted("role_ed"));
    expect(await permissionCheck(t, orgId, "user_ed", "org:posts:read")).toBe("ok");
    const stored = await inComponent(t, (ctx) => ctx.db.query("memberships").first());
    expect(stored?.permissions).toEqual(["org:posts:read"]);
  });

  test("members of other roles, and of roles never synced, keep what they carried", async () => {
    const t = initConvexTest();
    await deliver(t, roleCreated({ key: "org:editor", permissions: ["org:posts:publish"] }));
    await deliver(
      t,
      membershipCreated({ orgId: "org_r", userId: "user_m", role: "org:member", permissions: ["org:posts:read"] }),
    );
    expect(await permissionCheck(t, "org_r", "user_m", "org:posts:read")).toBe("ok");
    expect(await permissionCheck(t, "org_r", "user_m", "org:posts:publish")).toBe("FORBIDDEN");
  });
});

describe("the example app: renaming a project needs org:projects:manage", () => {
  test("granted and withdrawn by role events alone", async () => {
    const t = initConvexTest();
    const orgId = "org_example";
    await deliver(t, membershipCreated({ orgId, userId: "user_lead", role: "org:lead", permissions: [] }));
    const projectId = await t.run((ctx) =>
      ctx.db.insert("projects", { orgId, name: "Apollo", createdBy: "user_lead" }),
    );
    const rename = async (name: string) => {
      try {
        await t
          .withIdentity({ issuer: ISSUER, subject: "user_lead" })
          .mutation(api.projects.rename, { projectId, name });
        return "ok";
      } catch (error) {
        return error instanceof ConvexError ? (error.data as { code: string }).code : String(error);
      }
    };
    expect(await rename("Gemini")).toBe("FORBIDDEN");
    await deliver(
      t,
      roleCreated({ id: "role_lead", key: "org:lead", permissions: ["org:projects:manage"], updated_at: 1 }),
    );
    expect(await rename("Gemini")).toBe("ok");
    await deliver(
      t,
      roleUpdated({ id: "role_lead", key: "org:lead", permissions: ["org:projects:read"], updated_at: 2 }),
    );
    expect(await rename("Mercury")).toBe("FORBIDDEN");
    expect(await t.run(async (ctx) => (await ctx.db.get(projectId))?.name)).toBe("Gemini");
  });
});
