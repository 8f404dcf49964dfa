// @vitest-environment node
// What the health check reads is recorded where it belongs, and bounded: what a backfill pass
// counts as repaired, the one dedupe row a delivery writes, and the hourly sweep's bounds.
import { describe, expect, test } from "vitest";
import { makeFunctionReference } from "convex/server";
import { userCreated, userUpdated } from "convex-clerk-sync/test";
import { internal } from "../example/convex/_generated/api";
import { clerkApi, drain, initUsersBackfillApp, useClerkApiStandIn } from "./backfillSetup";
import { at, fullPass, health, HOUR, later, MINUTE, NOON, openApp, signUp } from "./healthSetup";
import { deliver, inComponent, initConvexTest } from "./setup";

useClerkApiStandIn();

describe("what a pass counts as repaired", () => {
  test("not a first pass's inserts, nor a change younger than 10 minutes; a missed update or insert later is", async () => {
    const t = initUsersBackfillApp();
    at(NOON);
    const [a, b, c] = clerkApi.addUsers(3);
    expect((await fullPass(t))?.counts.byKind.users).toMatchObject({ inserted: 3, repaired: 0, lastMissed: null });
    later(HOUR);
    clerkApi.users.delete(c!.id);
    const late = signUp("Late");
    later(20 * MINUTE);
    // Changed a quarter of an hour ago, after Late signed up, though listed before Late (created first).
    const missed = clerkApi.updateUser(b!.id, { last_name: "Earlier", updated_at: Date.now() - 15 * MINUTE });
    // Changed just now: their webhooks may be in flight.
    signUp("Fresh");
    clerkApi.updateUser(a!.id, { last_name: "Now" });
    const pass = await fullPass(t);
    expect(pass?.counts.byKind.users).toMatchObject({
      inserted: 2,
      updated: 2,
      deleted: 1,
      repaired: 2, // b's update and Late's sign-up
      lastMissed: missed.updated_at,
    });
    expect(missed.updated_at).toBeGreaterThan(late.created_at);
  });
});

describe("a kind's first listing", () => {
  test("is its starting point: organizations turned on after users-only passes are no repairs, a later missed one is", async () => {
    const t = initUsersBackfillApp();
    at(NOON);
    const [user] = clerkApi.addUsers(1);
    const acme = clerkApi.addOrganization({ name: "Acme" });
    clerkApi.addMembership(acme.id, user!.id);
    await fullPass(t);
    later(HOUR);
    await t.mutation(internal.backfill.start, {});
    expect((await drain(t))?.counts.byKind).toMatchObject({
      users: { unchanged: 1, repaired: 0 },
      organizations: { inserted: 1, repaired: 0 },
      memberships: { inserted: 1, repaired: 0 },
    });
    later(HOUR);
    const missed = clerkApi.addOrganization({
      name: "Globex",
      created_at: Date.now() - HOUR,
      updated_at: Date.now() - HOUR,
    });
    later(HOUR);
    await t.mutation(internal.backfill.start, {});
    expect((await drain(t))?.counts.byKind.organizations).toMatchObject({
      inserted: 1,
      repaired: 1,
      lastMissed: missed.updated_at,
    });
  });
});

describe("what counts as a sign-up", () => {
  test("a user Clerk created long ago who opens the app is stored, and is no sign-up whose webhook was missed", async () => {
    const t = initUsersBackfillApp();
    at(NOON);
    const [longAgo] = clerkApi.addUsers(1, () => ({ created_at: NOON - 365 * 24 * HOUR, updated_at: NOON - HOUR }));
    expect(await openApp(t, longAgo!)).toMatchObject({ clerkId: longAgo!.id });
    const fresh = signUp("Fresh");
    await openApp(t, fresh);
    const fallbacks = await inComponent(t, (ctx) => ctx.db.query("signUpFallbacks").collect());
    expect(fallbacks.map((row) => row.clerkId)).toEqual([fresh.id]);
    later(2 * HOUR);
    expect(await health(t)).toMatchObject({ verdict: "silent", reasons: [{ rule: "signUpFallbacks", count: 1 }] });
  });
});

describe("bounded storage", () => {
  test("a delivery writes its dedupe row and its object's row, nothing else", async () => {
    const t = initConvexTest();
    const tables = [
      "deliveries",
      "users",
      "signUpFallbacks",
      "deliveryFailures",
      "backfillRuns",
      "tombstones",
    ] as const;
    const rows = () =>
      inComponent(t, async (ctx) => {
        const counts: Record<string, number> = {};
        for (const table of tables) counts[table] = (await ctx.db.query(table).collect()).length;
        return counts;
      });
    const ada = userCreated({ updated_at: 1 });
    await deliver(t, ada);
    const before = await rows();
    for (let i = 2; i <= 21; i++) await deliver(t, userUpdated({ ...ada.data, updated_at: i }));
    expect(await rows()).toEqual({ ...before, deliveries: before.deliveries! + 20 });
  });

  test("the hourly sweep drops sign-up fallbacks and uncounted grace stores after 30 days and keeps the newest 10 runs of each mode", async () => {
    const t = initUsersBackfillApp();
    const sweep = makeFunctionReference<"mutation">("retention:sweep");
    at(NOON);
    clerkApi.addUsers(1);
    const first = await fullPass(t); // done: the watermark's run, kept whatever its age
    await openApp(t, signUp("Ada"));
    await inComponent(t, async (ctx) => {
      const run = (await ctx.db.query("backfillRuns").first())!;
      const { _id, _creationTime, ...fields } = run;
      for (let i = 1; i <= 24; i++) {
        const mode = i % 2 ? "full" : "incremental";
        await ctx.db.insert("backfillRuns", { ...fields, mode, status: "canceled", startedAt: run.startedAt + i });
      }
      // A change stored inside the grace of a kind no pass lists again.
      await ctx.db.insert("graceStores", { kind: "roles", objectId: "role_1", changedAt: NOON, storedAt: NOON });
    });
    later(31 * 24 * HOUR);
    expect(await inComponent(t, (ctx) => ctx.runMutation(sweep, {}))).toMatchObject({
      fallbacks: 1,
      graceStores: 1,
      runs: 4,
    });
    const kept = await inComponent(t, (ctx) => ctx.db.query("backfillRuns").collect());
    expect(kept.filter((run) => run.mode === "incremental")).toHaveLength(10);
    expect(kept.filter((run) => run.mode === "full").map((run) => run._id)).toContain(first?.runId);
    expect(kept).toHaveLength(21);
    expect(await inComponent(t, (ctx) => ctx.db.query("signUpFallbacks").collect())).toEqual([]);
    expect(await inComponent(t, (ctx) => ctx.db.query("graceStores").collect())).toEqual([]);
  });
});
