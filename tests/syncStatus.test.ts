import { beforeEach, describe, expect, test, vi } from "vitest";
import { makeFunctionReference } from "convex/server";
import {
  organizationCreated,
  permissionCreated,
  roleCreated,
  subscriptionEvent,
  userCreated,
  userDeleted,
} from "convex-clerk-sync/test";
import { ClerkSync } from "convex-clerk-sync";
import { components } from "../example/convex/_generated/api";
import { failing } from "./support/recordingHooks";
import { deliver, inComponent, initConvexTest, WEBHOOK_PATH, type TestApp, RECORDING_HOOKS } from "./setup";

const clerk = new ClerkSync(components.clerk);
const syncStatus = (t: TestApp) => t.query(async (ctx) => clerk.getSyncStatus(ctx));
const failureRows = (t: TestApp) =>
  inComponent(t, async (ctx) => (await ctx.db.query("deliveryFailures").collect()).length);

/** The example app whose user hook throws while `failing.enabled` is set. */
const initWithFailingHooks = () => initConvexTest(RECORDING_HOOKS);

beforeEach(() => {
  failing.enabled = false;
});

describe("getSyncStatus", () => {
  test("the last applied delivery of each event type", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(1_000_000);
    const t = initConvexTest();
    expect(await syncStatus(t)).toEqual({ lastApplied: [], recentFailures: [], backfill: null });
    await deliver(t, userCreated({ id: "user_a" }));
    vi.setSystemTime(2_000_000);
    await deliver(t, userCreated({ id: "user_b" }));
    vi.setSystemTime(2_001_000);
    await deliver(t, userDeleted("user_a"));
    vi.setSystemTime(2_002_000);
    await deliver(t, organizationCreated({ id: "org_a" }));
    expect((await syncStatus(t)).lastApplied).toEqual([
      { eventType: "user.created", outcome: "inserted", appliedAt: 2_000_000 },
      { eventType: "user.deleted", outcome: "deleted", appliedAt: 2_001_000 },
      { eventType: "organization.created", outcome: "inserted", appliedAt: 2_002_000 },
    ]);
  });

  test("a delivery whose hook threw is listed with svix-id, type and reason, without personal data", async () => {
    const t = initWithFailingHooks();
    failing.enabled = true;
    const payload = userCreated({ id: "user_hooked", email: "private.person@example.org" });
    const res = await deliver(t, payload, { id: "msg_failed_1" });
    expect(res.status).toBe(500);
    const status = await syncStatus(t);
    expect(status.recentFailures).toEqual([
      {
        svixId: "msg_failed_1",
        eventType: "user.created",
        reason: "apply_failed",
        failedAt: expect.any(Number),
        occurrences: 1,
      },
    ]);
    expect(JSON.stringify(status)).not.toMatch(/private\.person|user_hooked/);
    // Svix's retry, once the hook is fixed, is applied.
    failing.enabled = false;
    expect((await deliver(t, payload, { id: "msg_failed_1" })).body.outcome).toBe("inserted");
  });

  test("a missing signing secret is one row, counted: a flood of such requests cannot grow storage", async () => {
    const t = initConvexTest();
    delete process.env.CLERK_WEBHOOK_SECRET;
    for (let i = 0; i < 70; i++) {
      const res = await t.fetch(WEBHOOK_PATH, { method: "POST", body: "{}", headers: { "svix-id": `msg_${i}` } });
      expect(res.status).toBe(500);
    }
    const { recentFailures } = await syncStatus(t);
    expect(recentFailures).toEqual([
      { svixId: "msg_69", eventType: null, reason: "no_signing_secret", failedAt: expect.any(Number), occurrences: 70 },
    ]);
    expect(await failureRows(t)).toBe(1);
  });

  test("failed deliveries are listed newest first, and the hourly sweep keeps the newest 50", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = initWithFailingHooks();
    failing.enabled = true;
    for (let i = 0; i < 55; i++) {
      vi.setSystemTime(1_000_000 + i * 1000);
      expect((await deliver(t, userCreated(), { id: `msg_fail_${i}` })).status).toBe(500);
    }
    expect(await failureRows(t)).toBe(55);
    const { recentFailures } = await syncStatus(t);
    expect(recentFailures).toHaveLength(50);
    expect(recentFailures[0].svixId).toBe("msg_fail_54");
    const sweep = makeFunctionReference<"mutation">("retention:sweep");
    expect(await inComponent(t, (ctx) => ctx.runMutation(sweep, {}))).toMatchObject({ failures: 5 });
    expect(await failureRows(t)).toBe(50);
  });

  test("role, permission and billing deliveries are listed too", async () => {
    const t = initConvexTest();
    await deliver(t, roleCreated({ key: "org:editor" }));
    await deliver(t, permissionCreated({ key: "org:posts:read" }));
    await deliver(t, subscriptionEvent("created", { payer: { userId: "user_payer" } }));
    const types = (await syncStatus(t)).lastApplied.map(({ eventType }) => eventType);
    expect(types).toEqual(["role.created", "permission.created", "subscription.created"]);
  });

  test("forged deliveries and applied ones write no failure row", async () => {
    const t = initConvexTest();
    for (let i = 0; i < 5; i++) {
      expect((await deliver(t, userCreated(), { secret: "whsec_" + btoa("another endpoint's key") })).status).toBe(401);
    }
    expect((await deliver(t, userCreated())).status).toBe(200);
    expect(await failureRows(t)).toBe(0);
  });
});
