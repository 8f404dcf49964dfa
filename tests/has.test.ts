import { describe, expect, test } from "vitest";
import { ConvexError } from "convex/values";
import type { UserIdentity } from "convex/server";
import { ClerkSync, type HasCheck, type HasOptions } from "convex-clerk-sync";
import { membershipCreated, roleCreated, subscriptionEvent } from "convex-clerk-sync/test";
import { api, components } from "../example/convex/_generated/api";
import { sessionAuthorization } from "../src/client/authorization";
import packageJson from "../package.json";
import clerkSharedPackage from "../node_modules/@clerk/shared/package.json";
import { deliver, initConvexTest, ISSUER, type TestApp } from "./setup";

const clerk = new ClerkSync(components.clerk);
const USER = "user_2has0000000000000000000000";
const ACTIVE = "org_2active00000000000000000000";
const OTHER = "org_2other000000000000000000000";

// Session token claims as Clerk issues them (v2; see @clerk/shared's jwtPayloadParser
// tests), as Convex passes them to `ctx.auth.getUserIdentity()`.
const baseClaims = {
  issuer: ISSUER,
  subject: USER,
  sid: "sess_2abc",
  v: 2,
  iat: 1716883200,
  exp: 1716883260,
  nbf: 1716883190,
};
/** Active organization ACTIVE as `admin`; org features reports (read, manage) and export (read). */
const activeOrgClaims = {
  ...baseClaims,
  o: { id: ACTIVE, rol: "admin", slg: "active", per: "read,manage", fpm: "3,1" },
  fea: "o:reports,o:export,u:beta",
  pla: "u:free,o:pro",
};

type Identity = Partial<UserIdentity> & { subject: string };
const has = (t: TestApp, identity: Identity | null, check: HasCheck, options?: HasOptions) =>
  (identity ? t.withIdentity(identity) : t).query(async (ctx) => clerk.has(ctx, check, options));

/** Synced data that disagrees with the token, so each answer shows which source gave it. */
async function seedSyncedData(t: TestApp) {
  // In ACTIVE the synced membership is a plain member with no permissions; in OTHER an admin.
  await deliver(t, membershipCreated({ orgId: ACTIVE, userId: USER, role: "org:member", permissions: [] }));
  await deliver(
    t,
    membershipCreated({ orgId: OTHER, userId: USER, role: "org:admin", permissions: ["org:reports:read"] }),
  );
  // The user's synced plan is "plus"; ACTIVE's is "team"; OTHER's is "enterprise".
  await deliver(t, subscriptionEvent("created", { payer: { userId: USER }, items: [{ plan: "plus" }] }));
  await deliver(t, subscriptionEvent("created", { payer: { orgId: ACTIVE }, items: [{ plan: "team" }] }));
  await deliver(t, subscriptionEvent("created", { payer: { orgId: OTHER }, items: [{ plan: "enterprise" }] }));
}

describe("has() answers from the session token when it covers the question", () => {
  test("role and permissions in the active organization come from the token's `o` claim", async () => {
    const t = initConvexTest();
    await seedSyncedData(t);
    expect(await has(t, activeOrgClaims, { role: "org:admin" })).toBe(true);
    expect(await has(t, activeOrgClaims, { role: "admin" })).toBe(true);
    expect(await has(t, activeOrgClaims, { role: "org:member" })).toBe(false);
    expect(await has(t, activeOrgClaims, { role: "org:admin" }, { orgId: ACTIVE })).toBe(true);
    // fpm "3,1" over per "read,manage": reports → read and manage, export → read.
    expect(await has(t, activeOrgClaims, { permission: "org:reports:manage" })).toBe(true);
    expect(await has(t, activeOrgClaims, { permission: "org:reports:read" })).toBe(true);
    expect(await has(t, activeOrgClaims, { permission: "org:export:read" })).toBe(true);
    expect(await has(t, activeOrgClaims, { permission: "org:export:manage" })).toBe(false);
    expect(await has(t, activeOrgClaims, { permission: "reports:manage" })).toBe(true);
  });

  test("plans and features come from `pla` and `fea`, scoped as Clerk scopes them", async () => {
    const t = initConvexTest();
    await seedSyncedData(t);
    const answers = async (kind: "plan" | "feature", keys: string[]) =>
      Promise.all(
        keys.map((key) => has(t, activeOrgClaims, (kind === "plan" ? { plan: key } : { feature: key }) as HasCheck)),
      );
    expect(
      await answers("plan", ["pro", "o:pro", "org:pro", "u:pro", "free", "u:free", "o:free", "plus", "team", "x:pro"]),
    ).toEqual([true, true, true, false, true, true, false, false, false, false]);
    expect(
      await answers("feature", ["reports", "o:reports", "u:reports", "beta", "user:beta", "organization:beta"]),
    ).toEqual([true, true, false, true, true, false]);
  });

  test("the flattened claims of a custom JWT provider (`o.id`, `o.rol`…) read the same", async () => {
    const t = initConvexTest();
    await seedSyncedData(t);
    const { o, ...rest } = activeOrgClaims;
    const flattened = { ...rest, "o.id": o.id, "o.rol": o.rol, "o.slg": o.slg, "o.per": o.per, "o.fpm": o.fpm };
    expect(await has(t, flattened, { role: "org:admin" })).toBe(true);
    expect(await has(t, flattened, { permission: "org:reports:manage" })).toBe(true);
    expect(await has(t, flattened, { plan: "o:pro" })).toBe(true);
  });

  test("a v1 token (`org_id`, `org_role`, `org_permissions`) is read too", async () => {
    const t = initConvexTest();
    await seedSyncedData(t);
    const v1 = {
      issuer: ISSUER,
      subject: USER,
      org_id: ACTIVE,
      org_role: "org:admin",
      org_permissions: ["org:reports:read"],
    };
    expect(await has(t, v1, { role: "org:admin" })).toBe(true);
    expect(await has(t, v1, { permission: "org:reports:read" })).toBe(true);
    expect(await has(t, v1, { permission: "org:reports:manage" })).toBe(false);
  });
});

describe("has() falls back to synced data where the token says nothing", () => {
  test("an organization other than the active one", async () => {
    const t = initConvexTest();
    await seedSyncedData(t);
    expect(await has(t, activeOrgClaims, { role: "org:admin" }, { orgId: OTHER })).toBe(true);
    expect(await has(t, activeOrgClaims, { permission: "org:reports:read" }, { orgId: OTHER })).toBe(true);
    expect(await has(t, activeOrgClaims, { permission: "org:reports:manage" }, { orgId: OTHER })).toBe(false);
    expect(await has(t, activeOrgClaims, { plan: "o:enterprise" }, { orgId: OTHER })).toBe(true);
    expect(await has(t, activeOrgClaims, { plan: "o:pro" }, { orgId: OTHER })).toBe(false);
    // Unscoped: the user's plan (from the token) or OTHER's (synced).
    expect(await has(t, activeOrgClaims, { plan: "enterprise" }, { orgId: OTHER })).toBe(true);
    expect(await has(t, activeOrgClaims, { plan: "free" }, { orgId: OTHER })).toBe(true);
    // An organization the user is not a member of grants nothing, whatever it pays for.
    await deliver(
      t,
      subscriptionEvent("created", { payer: { orgId: "org_stranger" }, items: [{ plan: "enterprise" }] }),
    );
    expect(await has(t, activeOrgClaims, { plan: "o:enterprise" }, { orgId: "org_stranger" })).toBe(false);
    expect(await has(t, activeOrgClaims, { role: "org:admin" }, { orgId: "org_stranger" })).toBe(false);
  });

  test("no active organization: roles need an orgId; the user's plans still come from the token", async () => {
    const t = initConvexTest();
    await seedSyncedData(t);
    const personal = { ...baseClaims, fea: "u:beta", pla: "u:free" };
    expect(await has(t, personal, { role: "org:admin" })).toBe(false);
    expect(await has(t, personal, { role: "org:admin" }, { orgId: OTHER })).toBe(true);
    expect(await has(t, personal, { plan: "free" })).toBe(true);
    expect(await has(t, personal, { plan: "plus" })).toBe(false); // the token, not the synced "plus"
    expect(await has(t, personal, { plan: "team" })).toBe(false);
  });

  test("a token without Billing claims, or with claims Clerk's parser rejects, reads synced data", async () => {
    const t = initConvexTest();
    await seedSyncedData(t);
    const noBilling = { ...baseClaims, o: { id: ACTIVE, rol: "admin" } };
    expect(await has(t, noBilling, { plan: "plus" })).toBe(true);
    expect(await has(t, noBilling, { plan: "o:team" })).toBe(true);
    expect(await has(t, noBilling, { plan: "free" })).toBe(false);
    expect(await has(t, noBilling, { role: "org:admin" })).toBe(true); // the role is in the token
    // `fea` elements need a scope: Clerk's parser throws on this one, and none of the
    // token's authorization claims are used (not even its active organization).
    const malformed = { ...activeOrgClaims, fea: "reports", pla: undefined };
    expect(await has(t, malformed, { role: "org:admin" })).toBe(false);
    expect(await has(t, malformed, { role: "org:member" }, { orgId: ACTIVE })).toBe(true);
    expect(await has(t, malformed, { plan: "o:team" }, { orgId: ACTIVE })).toBe(true);
  });

  test("system permissions, which Clerk leaves out of tokens, and role changes without membership events", async () => {
    const t = initConvexTest();
    await seedSyncedData(t);
    expect(await has(t, activeOrgClaims, { permission: "org:sys_memberships:manage" })).toBe(false);
    await deliver(
      t,
      roleCreated({ key: "org:member", permissions: ["org:sys_memberships:manage", "org:reports:read"] }),
    );
    expect(await has(t, activeOrgClaims, { permission: "org:sys_memberships:manage" })).toBe(true);
    // A user without a token `o` claim: the effective permissions of the synced membership.
    expect(await has(t, baseClaims, { permission: "org:reports:read" }, { orgId: ACTIVE })).toBe(true);
  });

  test('`prefer: "synced"` reads synced data where the token would answer, for a change just made', async () => {
    const t = initConvexTest();
    await seedSyncedData(t); // in ACTIVE: a plain member on "team" as synced; the token says admin on "pro"
    const synced = { prefer: "synced" } as const;
    expect(await has(t, activeOrgClaims, { role: "org:admin" }, synced)).toBe(false);
    expect(await has(t, activeOrgClaims, { role: "org:member" }, synced)).toBe(true);
    expect(await has(t, activeOrgClaims, { permission: "org:reports:read" }, synced)).toBe(false);
    expect(await has(t, activeOrgClaims, { plan: "o:pro" }, synced)).toBe(false);
    expect(await has(t, activeOrgClaims, { plan: "o:team" }, synced)).toBe(true);
    expect(await has(t, activeOrgClaims, { plan: "u:plus" }, synced)).toBe(true);
    expect(await has(t, activeOrgClaims, { plan: "u:free" }, synced)).toBe(false);
    // The token still names the active organization; `prefer: "token"` is the default.
    expect(await has(t, activeOrgClaims, { role: "org:admin" }, { prefer: "token" })).toBe(true);
  });

  test("signed out: false", async () => {
    const t = initConvexTest();
    await seedSyncedData(t);
    expect(await has(t, null, { plan: "free" })).toBe(false);
    expect(await has(t, null, { role: "org:admin" }, { orgId: OTHER })).toBe(false);
  });
});

describe("the example app: exporting projects needs the organization's Pro plan", () => {
  test("from the token for the active organization, from the synced subscription for another", async () => {
    const t = initConvexTest();
    await seedSyncedData(t); // ACTIVE pays "team" and OTHER "enterprise", as synced
    await t.run((ctx) => ctx.db.insert("projects", { orgId: OTHER, name: "Apollo, phase 1", createdBy: USER }));
    const exportFor = async (identity: Identity, orgId: string) => {
      try {
        return await t.withIdentity(identity).query(api.projects.exportCsv, { orgId });
      } catch (error) {
        return error instanceof ConvexError ? (error.data as { code: string }).code : String(error);
      }
    };
    // The token says ACTIVE is on "pro" (`pla: o:pro`), though the synced subscription is older.
    expect(await exportFor(activeOrgClaims, ACTIVE)).toBe("name,createdBy");
    expect(await exportFor({ ...activeOrgClaims, pla: "o:team" }, ACTIVE)).toBe("PLAN_REQUIRED");
    // OTHER is not the active organization: its synced plan counts.
    expect(await exportFor(activeOrgClaims, OTHER)).toBe("PLAN_REQUIRED");
    await deliver(t, subscriptionEvent("created", { payer: { orgId: OTHER }, items: [{ plan: "pro" }] }));
    expect(await exportFor(activeOrgClaims, OTHER)).toBe(`name,createdBy\n"Apollo, phase 1",${USER}`);
  });
});

describe("what has() decodes session tokens with is pinned", () => {
  // has() decodes with an experimental export of @clerk/shared, which a minor release may rename
  // or change: the dependency is exact, and these golden claims fail when its decoding changes.
  test("@clerk/shared is an exact version, the one installed", () => {
    expect(packageJson.dependencies["@clerk/shared"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(clerkSharedPackage.version).toBe(packageJson.dependencies["@clerk/shared"]);
  });

  test("golden v2 and v1 claims decode to the same authorization", () => {
    const decode = (claims: Record<string, unknown>) => {
      const { check, ...decoded } = sessionAuthorization({ tokenIdentifier: "t", ...baseClaims, ...claims });
      const checks = [
        { permission: "org:reports:read" },
        { permission: "org:reports:manage" },
        { permission: "org:billing:delete" },
        { permission: "org:export:manage" },
        { plan: "u:free" },
        { plan: "o:pro" },
        { plan: "o:free" },
        { feature: "u:beta" },
        { feature: "o:reports" },
        { feature: "o:beta" },
      ];
      return {
        ...decoded,
        granted: checks.filter((params) => check(params)).map((params) => Object.values(params)[0]),
      };
    };
    const v2 = {
      // `per` lists the actions; each `fpm` number is a bitmask over them, for each `o:` feature in order.
      o: { id: ACTIVE, rol: "admin", slg: "active", per: "read,manage,delete", fpm: "3,7,1" },
      fea: "o:reports,o:billing,o:export,u:beta",
      pla: "u:free,o:pro",
    };
    expect(decode(v2)).toEqual({
      orgId: ACTIVE,
      orgRole: "org:admin",
      orgPermissions: [
        "org:reports:read",
        "org:reports:manage",
        "org:billing:read",
        "org:billing:manage",
        "org:billing:delete",
        "org:export:read",
      ],
      hasPlansClaim: true,
      hasFeaturesClaim: true,
      granted: [
        "org:reports:read",
        "org:reports:manage",
        "org:billing:delete",
        "u:free",
        "o:pro",
        "u:beta",
        "o:reports",
      ],
    });
    const v1 = { v: undefined, org_id: OTHER, org_role: "org:member", org_permissions: ["org:reports:read"] };
    expect(decode(v1)).toEqual({
      orgId: OTHER,
      orgRole: "org:member",
      orgPermissions: ["org:reports:read"],
      hasPlansClaim: false,
      hasFeaturesClaim: false,
      granted: ["org:reports:read"],
    });
    // A v2 token without an active organization.
    expect(decode({})).toMatchObject({ orgId: null, orgRole: null, orgPermissions: null, granted: [] });
  });
});
