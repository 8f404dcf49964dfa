import { describe, expect, test, vi } from "vitest";
import { Webhook } from "svix";
import { ClerkSync, type HasCheck } from "convex-clerk-sync";
import {
  clerkIdentity,
  seedUser,
  signDelivery,
  subscriptionEvent,
  subscriptionItemEvent,
  userCreated,
  userDeleted,
  userUpdated,
} from "convex-clerk-sync/test";
import { api, components } from "../example/convex/_generated/api";
import vector from "./fixtures/standard-webhooks-vector.json";
import { initConvexTest, SECRET, WEBHOOK_PATH, ISSUER } from "./setup";

const clerk = new ClerkSync(components.clerk);

describe("convex-clerk-sync/test", () => {
  test("the signer reproduces the Standard Webhooks signing vector", () => {
    const signed = signDelivery(vector.body, vector.secret, {
      id: vector.id,
      timestamp: new Date(vector.timestamp * 1000),
    });
    expect(signed).toEqual({
      body: vector.body,
      headers: { "svix-id": vector.id, "svix-timestamp": String(vector.timestamp), "svix-signature": vector.signature },
    });
  });

  test("signed builder payloads verify with svix and round-trip through t.fetch", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const t = initConvexTest();
    const created = userCreated({ email: "kit@example.org", first_name: "Kit", last_name: null, updated_at: 1 });
    const signed = signDelivery(created, SECRET);
    expect(() => new Webhook(SECRET).verify(signed.body, signed.headers)).not.toThrow();
    const response = await t.fetch(WEBHOOK_PATH, { method: "POST", ...signed });
    expect(response.status).toBe(200);
    expect(await t.query(async (ctx) => clerk.getUser(ctx, created.data.id))).toMatchObject({
      email: "kit@example.org",
      emailVerified: true,
      name: "Kit",
    });
    expect(userUpdated({ id: created.data.id }).type).toBe("user.updated");
    expect(userDeleted(created.data.id)).toMatchObject({
      type: "user.deleted",
      data: { id: created.data.id, deleted: true },
    });
    vi.restoreAllMocks();
  });

  test("seedUser stores a user that host functions read, without a webhook", async () => {
    const t = initConvexTest();
    const seeded = await seedUser(t, { id: "user_seeded", first_name: "Seed", last_name: null });
    expect(seeded).toMatchObject({ clerkId: "user_seeded", name: "Seed" });
    expect(await t.withIdentity({ issuer: ISSUER, subject: "user_seeded" }).query(api.users.me, {})).toMatchObject({
      name: "Seed",
    });
    // Seeding runs no hooks: the example's profile is not created.
    expect(await t.query(api.profiles.get, { clerkId: "user_seeded" })).toBeNull();
  });
});

describe("clerkIdentity: a Clerk session token (v2) for t.withIdentity", () => {
  const USER = "user_2kit000000000000000000000";
  const ORG = "org_2kit0000000000000000000000";
  const has = (t: ReturnType<typeof initConvexTest>, identity: ReturnType<typeof clerkIdentity>, check: HasCheck) =>
    t.withIdentity(identity).query(async (ctx) => clerk.has(ctx, check));

  test("encodes the active organization, plans and features as Clerk does, and has() reads them back", async () => {
    // The app's issuer (CLERK_FRONTEND_API_URL, set by initConvexTest) is the identity's default.
    const t = initConvexTest();
    const identity = clerkIdentity({
      userId: USER,
      org: {
        id: ORG,
        slug: "kit",
        role: "org:admin",
        permissions: ["org:reports:read", "org:reports:manage", "org:export:read"],
      },
      plans: ["u:free", "o:pro"],
      features: ["u:beta"],
    });
    expect(identity).toEqual({
      subject: USER,
      issuer: ISSUER,
      tokenIdentifier: `${ISSUER}|${USER}`,
      v: 2,
      o: { id: ORG, slg: "kit", rol: "admin", per: "read,manage", fpm: "3,1" },
      pla: "u:free,o:pro",
      fea: "u:beta,o:reports,o:export",
    });
    // Nothing is synced: every true answer comes from the token.
    const checks: [HasCheck, boolean][] = [
      [{ role: "org:admin" }, true],
      [{ role: "org:member" }, false],
      [{ permission: "org:reports:manage" }, true],
      [{ permission: "org:export:read" }, true],
      [{ permission: "org:export:manage" }, false],
      [{ plan: "o:pro" }, true],
      [{ plan: "u:pro" }, false],
      [{ feature: "o:reports" }, true],
      [{ feature: "u:beta" }, true],
      [{ feature: "o:beta" }, false],
    ];
    for (const [check, expected] of checks) expect([check, await has(t, identity, check)]).toEqual([check, expected]);
  });

  test("an organization feature given without permissions keeps each permission under its own feature", async () => {
    const identity = clerkIdentity({
      userId: USER,
      issuer: ISSUER,
      org: { id: ORG, role: "member", permissions: ["org:reports:read"] },
      features: ["o:billing"],
    });
    expect(identity).toMatchObject({ o: { rol: "member", per: "read", fpm: "0,1" }, fea: "o:billing,o:reports" });
    const t = initConvexTest();
    expect(await has(t, identity, { permission: "org:reports:read" })).toBe(true);
    expect(await has(t, identity, { permission: "org:billing:read" })).toBe(false);
    expect(await has(t, identity, { feature: "o:billing" })).toBe(true);
  });

  test("without an organization, plans or features: only the user, with v 2", () => {
    const identity = clerkIdentity({ userId: USER, issuer: ISSUER, claims: { sid: "sess_kit" } });
    expect(identity).toEqual({
      subject: USER,
      issuer: ISSUER,
      tokenIdentifier: `${ISSUER}|${USER}`,
      v: 2,
      sid: "sess_kit",
    });
    expect(clerkIdentity({ userId: USER, issuer: ISSUER, features: [], plans: [] })).toMatchObject({
      fea: "",
      pla: "",
    });
  });

  test("refuses what Clerk could not put in a token, and a missing issuer", () => {
    vi.stubEnv("CLERK_FRONTEND_API_URL", "");
    vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", "");
    expect(() => clerkIdentity({ userId: USER })).toThrow(
      "clerkIdentity: no issuer: pass { issuer } or set CLERK_FRONTEND_API_URL in the test",
    );
    vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", ISSUER);
    expect(clerkIdentity({ userId: USER }).issuer).toBe(ISSUER);
    vi.unstubAllEnvs();
    expect(() => clerkIdentity({ userId: USER, issuer: ISSUER, plans: ["pro"] })).toThrow(
      'clerkIdentity: "pro" is not scoped as Clerk\'s tokens scope it: u:<key> or o:<key>',
    );
    expect(() =>
      clerkIdentity({
        userId: USER,
        issuer: ISSUER,
        org: { id: ORG, role: "admin", permissions: ["org:sys_memberships:manage"] },
      }),
    ).toThrow('"org:sys_memberships:manage" is not a custom permission of the form org:<feature>:<action>');
    expect(() =>
      clerkIdentity({ userId: USER, issuer: ISSUER, org: { id: ORG, role: "admin", permissions: ["reports:read"] } }),
    ).toThrow('"reports:read" is not a custom permission');
  });
});

describe("billing builders take Clerk's event types and refuse others", () => {
  test("the full type and its short form build the same event; the endpoint applies it", async () => {
    expect(subscriptionEvent("subscription.created").type).toBe("subscription.created");
    expect(subscriptionEvent("pastDue").type).toBe("subscription.pastDue");
    expect(subscriptionItemEvent("subscriptionItem.canceled").type).toBe("subscriptionItem.canceled");
    expect(subscriptionItemEvent("freeTrialEnding").type).toBe("subscriptionItem.freeTrialEnding");
    const t = initConvexTest();
    const response = await t.fetch(WEBHOOK_PATH, {
      method: "POST",
      ...signDelivery(subscriptionEvent("subscription.created"), SECRET),
    });
    expect(await response.json()).toEqual({ outcome: "inserted" });
  });

  test("an unknown type is an error naming the types Clerk sends, never an event the endpoint ignores", () => {
    expect(() => subscriptionEvent("subscription.deleted" as never)).toThrow(
      'subscriptionEvent: unknown event type "subscription.deleted"; Clerk sends subscription.created, ' +
        "subscription.updated, subscription.active, subscription.pastDue",
    );
    expect(() => subscriptionEvent("subscriptionItem.created" as never)).toThrow("unknown event type");
    expect(() => subscriptionItemEvent("subscription.created" as never)).toThrow(
      'subscriptionItemEvent: unknown event type "subscription.created"; Clerk sends subscriptionItem.created,',
    );
  });
});
