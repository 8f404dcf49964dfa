// Rotating the signing secret as Clerk documents it: a second endpoint at the same URL, with its
// own secret. While both exist, Svix delivers every message to each (same svix-id, each signed
// with its endpoint's secret, at its own time): the first applies, the second is a duplicate.
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { ClerkSync } from "convex-clerk-sync";
import { signDelivery, userCreated, userDeleted, userUpdated } from "convex-clerk-sync/test";
import { components } from "../example/convex/_generated/api";
import { NEW_SECRET, OLD_SECRET } from "./support/rotationHttp";
import { inComponent, initConvexTest, logs, RECORDING_HOOKS, SECRET, WEBHOOK_PATH, type TestApp } from "./setup";

const clerk = new ClerkSync(components.clerk);
const ROTATION_HTTP = { "../example/convex/http.ts": () => import("./support/rotationHttp") };
/** 2026-05-01 03:00 UTC. */
const START = Date.UTC(2026, 4, 1, 3);
const NEITHER = `whsec_${btoa("a secret no endpoint was given!!")}`;

beforeEach(() => {
  vi.useFakeTimers({ now: START, toFake: ["Date"] });
});
afterEach(() => {
  // It wins over CLERK_WEBHOOK_SECRET, which the other test files set.
  delete process.env.CLERK_WEBHOOK_SIGNING_SECRET;
});

/** POST one delivery attempt of a message, signed with one endpoint's secret, now. */
async function attempt(t: TestApp, payload: unknown, secret: string, id: string, path = WEBHOOK_PATH) {
  const { body, headers } = signDelivery(payload, secret, { id });
  const response = await t.fetch(path, { method: "POST", body, headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const stored = (t: TestApp) =>
  inComponent(t, async (ctx) => ({
    users: (await ctx.db.query("users").collect()).map((user) => `${user.clerkId}:${user.firstName}`),
    deliveries: (await ctx.db.query("deliveries").collect()).length,
  }));
/** Every hook call the recording hooks saw, in order. */
const hookCalls = (t: TestApp) =>
  t.run(async (ctx) => (await ctx.db.query("profiles").collect()).map((row) => row.displayName));

/** Four messages, each delivered by both endpoints: the old one first, then the new one, or the reverse. */
async function deliverTwice(t: TestApp, path = WEBHOOK_PATH) {
  const messages = [
    userCreated({ id: "user_ada", first_name: "Ada", updated_at: 1 }),
    userUpdated({ id: "user_ada", first_name: "Grace", updated_at: 2 }),
    userCreated({ id: "user_bob", first_name: "Bob", updated_at: 3 }),
    userDeleted("user_bob"),
  ];
  const answers: string[] = [];
  for (const [index, payload] of messages.entries()) {
    const id = `msg_rotation${index}`;
    const secrets = index % 2 === 0 ? [OLD_SECRET, NEW_SECRET] : [NEW_SECRET, OLD_SECRET];
    for (const secret of secrets) {
      const answer = await attempt(t, payload, secret, id, path);
      expect(answer.status).toBe(200);
      answers.push(String(answer.body.outcome));
      vi.setSystemTime(Date.now() + 4_000);
    }
    vi.setSystemTime(Date.now() + 10 * 60_000);
  }
  return answers;
}

/** Each message's first delivery applied, its second a duplicate. */
const ANSWERS = ["inserted", "duplicate", "updated", "duplicate", "inserted", "duplicate", "deleted", "duplicate"];

describe("two endpoints at the same URL, both secrets configured", () => {
  test("in CLERK_WEBHOOK_SIGNING_SECRET: each message applied once, hooks run once, the verdict ok", async () => {
    const t = initConvexTest(RECORDING_HOOKS);
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = `${OLD_SECRET} ${NEW_SECRET}`;
    expect(await deliverTwice(t)).toEqual(ANSWERS);
    expect(await stored(t)).toEqual({ users: ["user_ada:Grace"], deliveries: 4 });
    expect(await hookCalls(t)).toEqual([
      "created:webhook:Ada Example",
      "updated:webhook:Ada Example->Grace Example",
      "created:webhook:Bob Example",
      "deleted:webhook:Bob Example",
    ]);
    const lastApplied = START + 3 * (8_000 + 10 * 60_000);
    expect(await t.query((ctx) => clerk.getSyncHealth(ctx))).toMatchObject({
      verdict: "ok",
      reasons: [],
      lastDeliveryAt: lastApplied,
    });
    expect((await t.query((ctx) => clerk.getSyncStatus(ctx))).recentFailures).toEqual([]);
    // Svix's later retries find nothing to retry; a day on, the verdict is still ok.
    vi.setSystemTime(Date.now() + 24 * 60 * 60_000);
    expect(await t.query((ctx) => clerk.getSyncHealth(ctx))).toMatchObject({ verdict: "ok", reasons: [] });
  });

  test("as the webhookSecret option, a list or a string: the same, and the variables are not read", async () => {
    for (const path of [WEBHOOK_PATH, "/spaced"]) {
      const t = initConvexTest({ ...RECORDING_HOOKS, ...ROTATION_HTTP });
      process.env.CLERK_WEBHOOK_SIGNING_SECRET = NEITHER;
      expect(await deliverTwice(t, path)).toEqual(ANSWERS);
      expect(await stored(t)).toEqual({ users: ["user_ada:Grace"], deliveries: 4 });
      expect(await hookCalls(t)).toHaveLength(4);
      expect(await t.query((ctx) => clerk.getSyncHealth(ctx))).toMatchObject({ verdict: "ok", reasons: [] });
      expect((await attempt(t, userCreated(), NEITHER, "msg_neither", path)).status).toBe(401);
    }
  });

  test("a delivery signed with neither secret is a 401 and writes nothing", async () => {
    const t = initConvexTest(RECORDING_HOOKS);
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = `${OLD_SECRET} ${NEW_SECRET}`;
    const answer = await attempt(t, userCreated({ id: "user_eve" }), NEITHER, "msg_forged");
    expect(answer).toEqual({ status: 401, body: { error: "invalid webhook signature: No matching signature found" } });
    expect(await stored(t)).toEqual({ users: [], deliveries: 0 });
    expect(await hookCalls(t)).toEqual([]);
    expect(logs).toContainEqual(
      "[clerk-sync] rejected msg_forged: No matching signature found (2 secrets of CLERK_WEBHOOK_SIGNING_SECRET tried)",
    );
  });
});

describe("where the secrets are read", () => {
  test("CLERK_WEBHOOK_SIGNING_SECRET wins over CLERK_WEBHOOK_SECRET; one holding only spaces is unset", async () => {
    const t = initConvexTest();
    process.env.CLERK_WEBHOOK_SECRET = OLD_SECRET;
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = NEW_SECRET;
    expect((await attempt(t, userCreated(), OLD_SECRET, "msg_old")).status).toBe(401);
    expect(await attempt(t, userCreated(), NEW_SECRET, "msg_new")).toMatchObject({
      status: 200,
      body: { outcome: "inserted" },
    });
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = "  ";
    expect((await attempt(t, userCreated(), OLD_SECRET, "msg_old")).status).toBe(200);
    expect((await attempt(t, userCreated(), NEW_SECRET, "msg_new2")).status).toBe(401);
  });

  test("neither set: a 500 naming both, recorded, and the retry lands once one is set", async () => {
    const t = initConvexTest();
    delete process.env.CLERK_WEBHOOK_SECRET;
    const payload = userCreated({ id: "user_ada" });
    expect(await attempt(t, payload, SECRET, "msg_unset")).toEqual({
      status: 500,
      body: {
        error: "webhook signing secret is not configured (CLERK_WEBHOOK_SIGNING_SECRET or CLERK_WEBHOOK_SECRET)",
      },
    });
    expect(logs).toContainEqual(
      expect.stringContaining("no signing secret. Set CLERK_WEBHOOK_SIGNING_SECRET or CLERK_WEBHOOK_SECRET to"),
    );
    expect((await t.query((ctx) => clerk.getSyncStatus(ctx))).recentFailures).toMatchObject([
      { reason: "no_signing_secret" },
    ]);
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = SECRET;
    expect(await attempt(t, payload, SECRET, "msg_unset")).toMatchObject({
      status: 200,
      body: { outcome: "inserted" },
    });
  });

  test("an empty list or a malformed secret in a list: a 500 that says which, and no secret logged", async () => {
    const t = initConvexTest(ROTATION_HTTP);
    expect(await attempt(t, userCreated(), OLD_SECRET, "msg_empty", "/no-secrets")).toEqual({
      status: 500,
      body: { error: "webhook signing secret is not configured (the webhookSecret option)" },
    });
    expect(logs).toContainEqual(expect.stringContaining("no signing secret. the webhookSecret option lists none"));

    const t2 = initConvexTest();
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = `${NEW_SECRET} whsec_***not-base64***`;
    expect(await attempt(t2, userCreated(), NEW_SECRET, "msg_malformed")).toEqual({
      status: 500,
      body: { error: "webhook signing secret is malformed (CLERK_WEBHOOK_SIGNING_SECRET, secret 2 of 2)" },
    });
    expect((await t2.query((ctx) => clerk.getSyncStatus(ctx))).recentFailures).toMatchObject([
      { reason: "malformed_signing_secret" },
    ]);
    expect(logs.filter((line) => line.includes(NEW_SECRET.slice(6)) || line.includes("not-base64"))).toEqual([]);
    expect(await t2.query((ctx) => clerk.getSyncHealth(ctx))).toMatchObject({ verdict: "silent" });
  });
});
