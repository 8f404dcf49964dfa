// Only identities Clerk issued count: a token from another auth provider (a service's custom
// JWT, a provider being migrated from) is signed out for every Clerk-specific read and check.
import { afterEach, describe, expect, test, vi } from "vitest";
import type { UserIdentity } from "convex/server";
import { ConvexError } from "convex/values";
import { ClerkSync, type ClerkSyncOptions } from "convex-clerk-sync";
import { membershipCreated, userCreated } from "convex-clerk-sync/test";
import { api, components } from "../example/convex/_generated/api";
import { deliver, initConvexTest, ISSUER, type TestApp } from "./setup";

const USER = "user_2identity00000000000000000";
const ORG = "org_2identity000000000000000000";
/** Claims a Clerk session token carries for USER, admin of ORG: what another issuer could copy. */
const claims = {
  subject: USER,
  v: 2,
  o: { id: ORG, rol: "admin", per: "read", fpm: "1" },
  fea: "o:reports",
  pla: "u:pro",
};
const FOREIGN = "https://auth.other-provider.example";

async function seeded() {
  const t = initConvexTest();
  await deliver(t, userCreated({ id: USER, first_name: "Ida" }));
  await deliver(
    t,
    membershipCreated({ orgId: ORG, userId: USER, role: "org:admin", permissions: ["org:reports:read"] }),
  );
  return t;
}

/** What each Clerk-specific method answers for this identity; a thrown error's code or message. */
async function answers(t: TestApp, identity: Partial<UserIdentity> | null, options: ClerkSyncOptions = {}) {
  const clerk = new ClerkSync(components.clerk, options);
  const as = identity === null ? t : t.withIdentity(identity);
  const settle = async (run: () => Promise<unknown>) => {
    try {
      return await run();
    } catch (error) {
      return error instanceof ConvexError ? (error.data as { code: string }).code : (error as Error).message;
    }
  };
  return {
    getCurrentUser: await settle(() => as.query(async (ctx) => (await clerk.getCurrentUser(ctx))?.clerkId ?? null)),
    requireCurrentUser: await settle(() => as.query(async (ctx) => (await clerk.requireCurrentUser(ctx)).clerkId)),
    requireOrgRole: await settle(() => as.query(async (ctx) => (await clerk.requireOrgRole(ctx, ORG, "admin")).role)),
    hasRole: await settle(() => as.query((ctx) => clerk.has(ctx, { role: "org:admin" }))),
    hasPlan: await settle(() => as.query((ctx) => clerk.has(ctx, { plan: "pro" }))),
    // The example's action, with the example's ClerkSync (the issuer from CLERK_FRONTEND_API_URL).
    syncCurrentUser: await settle(async () => ((await as.action(api.users.ensureMe, {})) ?? { clerkId: null }).clerkId),
  };
}

const SIGNED_IN = {
  getCurrentUser: USER,
  requireCurrentUser: USER,
  requireOrgRole: "org:admin",
  hasRole: true,
  hasPlan: true,
  syncCurrentUser: USER,
};
const SIGNED_OUT = {
  getCurrentUser: null,
  requireCurrentUser: "UNAUTHENTICATED",
  requireOrgRole: "UNAUTHENTICATED",
  hasRole: false,
  hasPlan: false,
  syncCurrentUser: null,
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("identities count only when Clerk issued them", () => {
  test("Clerk's issuer (CLERK_FRONTEND_API_URL): signed in", async () => {
    const t = await seeded();
    expect(await answers(t, { ...claims, issuer: ISSUER })).toEqual(SIGNED_IN);
  });

  test("another provider's token with the same subject and claims: signed out everywhere", async () => {
    const t = await seeded();
    expect(await answers(t, { ...claims, issuer: FOREIGN })).toEqual(SIGNED_OUT);
    // convex-test's default issuer is another provider too.
    expect(await answers(t, claims)).toEqual(SIGNED_OUT);
  });

  test("a trailing slash on either side is the same issuer", async () => {
    const t = await seeded();
    expect(await answers(t, { ...claims, issuer: `${ISSUER}/` })).toEqual(SIGNED_IN);
    vi.stubEnv("CLERK_FRONTEND_API_URL", `${ISSUER}/`);
    expect(await answers(t, { ...claims, issuer: ISSUER })).toEqual(SIGNED_IN);
  });

  test("the `issuer` option wins over the environment", async () => {
    const t = await seeded();
    const options = { issuer: FOREIGN };
    // syncCurrentUser runs in the example's action, whose ClerkSync has no `issuer` option.
    expect(await answers(t, { ...claims, issuer: FOREIGN }, options)).toEqual({ ...SIGNED_IN, syncCurrentUser: null });
    expect(await answers(t, { ...claims, issuer: ISSUER }, options)).toEqual({ ...SIGNED_OUT, syncCurrentUser: USER });
  });

  test("CLERK_JWT_ISSUER_DOMAIN is read when CLERK_FRONTEND_API_URL is not set", async () => {
    const t = await seeded();
    vi.stubEnv("CLERK_FRONTEND_API_URL", undefined);
    vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", ISSUER);
    expect(await answers(t, { ...claims, issuer: ISSUER })).toEqual(SIGNED_IN);
  });

  test("no issuer configured anywhere: each method throws, naming what to set", async () => {
    const t = await seeded();
    vi.stubEnv("CLERK_FRONTEND_API_URL", undefined);
    vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", undefined);
    const missing =
      /^ClerkSync does not know Clerk's issuer.* Set CLERK_FRONTEND_API_URL \(or CLERK_JWT_ISSUER_DOMAIN\)/;
    for (const identity of [{ ...claims, issuer: ISSUER }, null]) {
      const answered = await answers(t, identity);
      for (const value of Object.values(answered)) expect(value).toMatch(missing);
    }
  });
});
