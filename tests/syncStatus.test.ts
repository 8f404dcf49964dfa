import { beforeEach, describe, expect, test, vi } from "vitest";
import { organizationCreated, userCreated, userDeleted } from "convex-clerk-sync/test";
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
    expect(await syncStatus(t)).toEqual({ lastApplied: [], recentFailures: [] });
    await deliver(t, userCreated({ id: "user_a" }));
    vi.setSystemTime(2_000_000);
    await deliver(t, userCreated({ id: "user_b" }));
    await deliver(t, userDeleted("user_a"));
    await deliver(t, organizationCreated({ id: "org_a" }));
    expect((await syncStatus(t)).lastApplied).toEqual([
      { eventType: "user.created", outcome: "inserted", appliedAt: 2_000_000 },
      { eventType: "user.deleted", outcome: "deleted", appliedAt: 2_000_000 },
      { eventType: "organization.created", outcome: "inserted", appliedAt: 2_000_000 },
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
      { svixId: "msg_failed_1", eventType: "user.created", reason: "apply_failed", failedAt: expect.any(Number) },
    ]);
    expect(JSON.stringify(status)).not.toMatch(/private\.person|user_hooked/);
    // Svix's retry, once the hook is fixed, is applied.
    failing.enabled = false;
    expect((await deliver(t, payload, { id: "msg_failed_1" })).body.outcome).toBe("inserted");
  });

  test("a missing signing secret is listed; a flood of such requests keeps at most 50 rows", async () => {
    const t = initConvexTest();
    delete process.env.CLERK_WEBHOOK_SECRET;
    for (let i = 0; i < 70; i++) {
      const res = await t.fetch(WEBHOOK_PATH, { method: "POST", body: "{}", headers: { "svix-id": `msg_${i}` } });
      expect(res.status).toBe(500);
    }
    const { recentFailures } = await syncStatus(t);
    expect(recentFailures).toHaveLength(50);
    expect(recentFailures[0]).toMatchObject({ svixId: "msg_69", eventType: null, reason: "no_signing_secret" });
    expect(await failureRows(t)).toBe(50);
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
