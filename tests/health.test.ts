// @vitest-environment node
// getSyncHealth: each verdict from what is stored (deliveries, failures, sign-up fallbacks, the
// backfill's repairs), on the example app with a stand-in for Clerk and fake time.
import { beforeEach, describe, expect, test } from "vitest";
import { ClerkSync, type HealthThresholds } from "convex-clerk-sync";
import { userCreated, userDeleted } from "convex-clerk-sync/test";
import { components, internal } from "../example/convex/_generated/api";
import { clerkApi, drain, startUsersBackfill, initUsersBackfillApp, useClerkApiStandIn } from "./backfillSetup";
import { at, delivered, fullPass, health, HOUR, later, MINUTE, NOON, openApp, signUp } from "./healthSetup";
import { failing } from "./support/recordingHooks";
import { deliver, initConvexTest, logs, RECORDING_HOOKS, WEBHOOK_PATH, type TestApp } from "./setup";

useClerkApiStandIn();
beforeEach(() => {
  failing.enabled = false;
});

const SUBSCRIBED = ", while other deliveries were applied: is the endpoint subscribed to those events?";

const healthWith = (t: TestApp, thresholds: HealthThresholds) =>
  t.query(async (ctx) => new ClerkSync(components.clerk).getSyncHealth(ctx, thresholds));

/**
 * Three users imported by a first pass at noon, Ada's sign-up delivered at 12:10; then the
 * route stops at 13:00: three sign-ups open the app (stored by `syncCurrentUser`), two never
 * do, one older user is deleted and one renamed in Clerk, and no delivery arrives.
 */
async function outage(t: TestApp) {
  at(NOON);
  const [gone, renamed] = clerkApi.addUsers(3);
  await fullPass(t);
  at(NOON + 10 * MINUTE);
  expect((await delivered(t, signUp("Ada"))).body.outcome).toBe("inserted");
  at(NOON + HOUR);
  const fallbacks = [];
  for (const name of ["Bob", "Cyd", "Dee"]) {
    const user = signUp(name);
    expect(await openApp(t, user)).toMatchObject({ clerkId: user.id });
    fallbacks.push(user);
    later(5 * MINUTE);
  }
  const quiet = [signUp("Eve"), signUp("Fay")];
  clerkApi.users.delete(gone!.id);
  const changed = clerkApi.updateUser(renamed!.id, { last_name: "Renamed" });
  return { gone: gone!, changed, fallbacks, quiet };
}

describe("getSyncHealth", () => {
  test("a healthy stream: deliveries follow sign-ups (even those stored first by syncCurrentUser), a pass repairs nothing", async () => {
    const t = initUsersBackfillApp();
    at(NOON);
    clerkApi.addUsers(2);
    await fullPass(t);
    expect(await health(t)).toMatchObject({ verdict: "ok", reasons: [], lastDeliveryAt: null });
    later(HOUR);
    const ada = signUp("Ada");
    await delivered(t, ada);
    const bob = signUp("Bob");
    await openApp(t, bob); // the sign-up race: the app asks before the webhook lands…
    later(MINUTE);
    expect((await delivered(t, bob)).body.outcome).toBe("unchanged"); // …which follows
    const lastDeliveryAt = Date.now();
    at(Date.UTC(2026, 4, 2, 4, 23));
    await fullPass(t);
    const verdict = await health(t);
    expect(verdict).toMatchObject({ verdict: "ok", reasons: [], lastDeliveryAt });
    expect(verdict.passes).toEqual([
      expect.objectContaining({ mode: "full", status: "done", repaired: [], lastMissed: null }),
    ]);
    expect(await t.action(internal.syncStatus.warnIfUnhealthy, {})).toBe("ok");
    expect(logs.filter((line) => line.includes("Clerk's webhook is"))).toEqual([]);
  });

  test("a route that stopped: silent once sign-ups' webhooks are overdue, and with the nightly pass's repairs", async () => {
    const t = initUsersBackfillApp();
    await outage(t);
    // 13:15: the fallbacks are younger than the hour a webhook is given.
    expect((await health(t)).verdict).toBe("ok");
    at(NOON + 2 * HOUR + 15 * MINUTE);
    expect(await health(t)).toMatchObject({
      verdict: "silent",
      reasons: [
        {
          rule: "signUpFallbacks",
          verdict: "silent",
          count: 3,
          message:
            "no delivery applied since 2026-05-01 12:10 UTC (2 h ago) while 3 users were stored by " +
            "syncCurrentUser, and no user.created delivery came for them",
        },
      ],
    });
    // The nightly pass stores the two who never opened the app and the rename, and deletes the deleted user.
    at(Date.UTC(2026, 4, 2, 4, 23));
    const pass = await fullPass(t);
    expect(pass?.counts.byKind.users).toMatchObject({ inserted: 2, updated: 1, deleted: 1, repaired: 3 });
    const verdict = await health(t);
    expect(verdict.verdict).toBe("silent");
    expect(verdict.reasons.map(({ rule, count }) => [rule, count])).toEqual([
      ["signUpFallbacks", 3],
      ["backfillRepairs", 4],
    ]);
    expect(verdict.reasons[1]!.message).toBe(
      "no delivery applied since 2026-05-01 12:10 UTC (16 h ago), yet the full pass of 2026-05-02 04:23 UTC " +
        "stored 3 users and removed 1 user that webhooks never delivered, changed in Clerk as late as 2026-05-01 13:15 UTC",
    );
    expect(verdict.passes[0]!.repaired).toEqual([{ kind: "users", stored: 3, removed: 1 }]);
    // The example's hourly cron logs it.
    expect(await t.action(internal.syncStatus.warnIfUnhealthy, {})).toBe("silent");
    expect(logs.filter((line) => line.startsWith("Clerk's webhook is silent: no delivery applied since"))).toHaveLength(
      1,
    );
  });

  test("an hourly incremental pass's repairs count too; a later pass that finds nothing new keeps the outage raised", async () => {
    const t = initUsersBackfillApp();
    await outage(t);
    at(NOON + 2 * HOUR + 17 * MINUTE);
    await startUsersBackfill(t, "incremental");
    await drain(t);
    const hourly = await health(t);
    expect(hourly.passes.map(({ mode, repaired }) => [mode, repaired])).toEqual([
      ["incremental", [{ kind: "users", stored: 3, removed: 0 }]],
      ["full", []],
    ]);
    expect(hourly.reasons).toContainEqual(
      expect.objectContaining({
        rule: "backfillRepairs",
        verdict: "silent",
        count: 3,
        message: expect.stringContaining("yet the incremental pass of 2026-05-01 14:17 UTC stored 3 users that"),
      }),
    );
    // The nightly pass finds the rest: only the deleted user, whose deletion has no date to compare.
    at(Date.UTC(2026, 4, 2, 4, 23));
    await fullPass(t);
    const nightly = await health(t);
    expect(nightly.passes.map(({ mode }) => mode)).toEqual(["full"]);
    expect(nightly.reasons).toContainEqual({
      rule: "backfillRepairs",
      verdict: "degraded",
      count: 1,
      message: `the full pass of 2026-05-02 04:23 UTC removed 1 user that webhooks never delivered${SUBSCRIBED}`,
    });
    // A later pass that found nothing new does not clear the outage: only a delivery does.
    expect(nightly.verdict).toBe("silent");
    expect(nightly.reasons).toContainEqual(
      expect.objectContaining({
        rule: "backfillRepairs",
        verdict: "silent",
        message: expect.stringContaining("yet the incremental pass of 2026-05-01 14:17 UTC stored 3 users"),
      }),
    );
  });

  test("after the outage: ok once the route is back and Svix's retries land, and a pass then repairs nothing", async () => {
    const t = initUsersBackfillApp();
    const { gone, changed, fallbacks, quiet } = await outage(t);
    at(Date.UTC(2026, 4, 2, 4, 23));
    await fullPass(t);
    expect((await health(t)).verdict).toBe("silent");
    // 09:00: the route is back, and Svix delivers what failed.
    at(Date.UTC(2026, 4, 2, 9));
    for (const user of [...fallbacks, ...quiet]) expect((await delivered(t, user)).body.outcome).toBe("unchanged");
    await delivered(t, changed, "updated");
    await deliver(t, userDeleted(gone.id));
    // The pass made up for an outage that is over: nothing was delivered between the changes it missed and its start.
    expect(await health(t)).toMatchObject({ verdict: "ok", reasons: [] });
    at(Date.UTC(2026, 4, 3, 4, 23));
    await fullPass(t);
    const verdict = await health(t);
    expect(verdict).toMatchObject({ verdict: "ok", reasons: [] });
    expect(verdict.passes).toMatchObject([{ startedAt: Date.UTC(2026, 4, 3, 4, 23), repaired: [] }]);
  });

  test("a webhook that misses some changes while delivering others: degraded, until a pass repairs nothing", async () => {
    const t = initUsersBackfillApp();
    at(NOON);
    const [renamed, gone] = clerkApi.addUsers(2);
    await fullPass(t);
    // 13:00: a rename whose delivery failed past Svix's retries, and a deletion the endpoint is not subscribed to.
    later(HOUR);
    clerkApi.updateUser(renamed!.id, { last_name: "Renamed" });
    clerkApi.users.delete(gone!.id);
    // 14:00: a sign-up, delivered: the route works.
    later(HOUR);
    await delivered(t, signUp("Cyd"));
    at(Date.UTC(2026, 4, 2, 4, 23));
    await fullPass(t);
    expect(await health(t)).toMatchObject({
      verdict: "degraded",
      reasons: [
        {
          rule: "backfillRepairs",
          verdict: "degraded",
          count: 2,
          message:
            "the full pass of 2026-05-02 04:23 UTC stored 1 user and removed 1 user that webhooks never delivered" +
            SUBSCRIBED,
        },
      ],
    });
    // A pass canceled before its end repaired nothing, and says nothing about it.
    later(HOUR);
    await startUsersBackfill(t);
    expect(await t.mutation(internal.backfill.cancel, {})).toMatchObject({ status: "canceled" });
    expect((await health(t)).verdict).toBe("degraded");
    at(Date.UTC(2026, 4, 3, 4, 23));
    await fullPass(t);
    expect(await health(t)).toMatchObject({ verdict: "ok", reasons: [] });
  });

  test("a missing signing secret: silent, with the number of deliveries refused since one was applied", async () => {
    const t = initConvexTest();
    at(NOON);
    await deliver(t, userCreated());
    const refuse = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await t.fetch(WEBHOOK_PATH, { method: "POST", body: "{}", headers: { "svix-id": `msg_${i}` } });
        expect(res.status).toBe(500);
      }
    };
    const secret = process.env.CLERK_WEBHOOK_SECRET;
    delete process.env.CLERK_WEBHOOK_SECRET;
    later(HOUR);
    await refuse(50);
    expect(await health(t)).toMatchObject({
      verdict: "silent",
      reasons: [
        {
          rule: "signingSecret",
          count: 50,
          message:
            "the last 50 deliveries failed: the deployment has no signing secret (set CLERK_WEBHOOK_SIGNING_SECRET or " +
            "CLERK_WEBHOOK_SECRET); " +
            "no delivery applied since 2026-05-01 12:00 UTC (60 min ago)",
        },
      ],
    });
    // Set again: the next delivery is applied, and the verdict is ok.
    process.env.CLERK_WEBHOOK_SECRET = secret;
    later(MINUTE);
    await deliver(t, userCreated());
    expect((await health(t)).verdict).toBe("ok");
    // Lost again: counted from the last applied delivery, not from the first failure.
    delete process.env.CLERK_WEBHOOK_SECRET;
    later(MINUTE);
    await refuse(2);
    expect((await health(t)).reasons).toMatchObject([{ rule: "signingSecret", count: 2 }]);
  });

  test("failed deliveries: degraded, silent when several failed and none applied since, ok once Svix's retries land", async () => {
    const t = initConvexTest(RECORDING_HOOKS);
    at(NOON);
    await deliver(t, userCreated());
    failing.enabled = true;
    const failed = [userCreated(), userCreated(), userCreated()];
    for (const [i, payload] of failed.slice(0, 2).entries()) {
      later(MINUTE);
      expect((await deliver(t, payload, { id: `msg_hook_${i}` })).status).toBe(500);
    }
    expect(await health(t)).toMatchObject({
      verdict: "degraded",
      reasons: [
        {
          rule: "failedDeliveries",
          count: 2,
          message: "2 deliveries failed in the last 7 days and were never applied: 2 apply_failed (a hook threw)",
        },
      ],
    });
    // Svix retries the same message: still one delivery.
    expect((await deliver(t, failed[0], { id: "msg_hook_0" })).status).toBe(500);
    expect((await health(t)).reasons).toMatchObject([{ count: 2 }]);
    // A third one, and none applied since the first: silent.
    expect((await deliver(t, failed[2], { id: "msg_hook_2" })).status).toBe(500);
    expect((await health(t)).reasons).toMatchObject([{ rule: "failedDeliveries", verdict: "silent", count: 3 }]);
    failing.enabled = false;
    for (const [i, payload] of failed.entries()) await deliver(t, payload, { id: `msg_hook_${i}` });
    expect((await health(t)).verdict).toBe("ok");
  });

  test("a sign-up whose webhook never came while other deliveries arrive: degraded", async () => {
    const t = initUsersBackfillApp();
    at(NOON - HOUR);
    await delivered(t, signUp("Ann")); // the endpoint's first delivery: Bob and Cyd sign up after it
    at(NOON);
    const bob = signUp("Bob");
    await openApp(t, bob);
    const cyd = signUp("Cyd");
    await openApp(t, cyd);
    later(2 * HOUR);
    await delivered(t, cyd);
    await delivered(t, signUp("Dee"));
    expect(await health(t)).toMatchObject({
      verdict: "degraded",
      reasons: [
        {
          rule: "signUpFallbacks",
          count: 1,
          message: "1 of the 2 users stored by syncCurrentUser in the last 7 days never got its user.created delivery",
        },
      ],
    });
    // A host that gives webhooks three hours.
    expect((await healthWith(t, { fallbackGraceMs: 3 * HOUR })).verdict).toBe("ok");
  });

  test("thresholds: the host's over the defaults; one no rule can use is refused, naming it", async () => {
    const t = initConvexTest();
    await expect(healthWith(t, { repairedObjects: 0 })).rejects.toThrow(
      "health threshold repairedObjects must be a number of at least 1, not 0",
    );
    await expect(healthWith(t, { lookbackMs: -1 })).rejects.toThrow("health threshold lookbackMs");
    await expect(healthWith(t, { lookbackMs: 31 * 24 * HOUR })).rejects.toThrow(
      "health threshold lookbackMs must be at most 30 days (2592000000), not 2678400000",
    );
  });
});
