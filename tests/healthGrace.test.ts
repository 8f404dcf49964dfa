// @vitest-environment node
// The repair grace: a change a pass stores less than 10 minutes after Clerk made it is no repair
// yet (its webhook may be on its way); if no delivery brings it, the next pass counts it.
import { describe, expect, test } from "vitest";
import { userCreated } from "convex-clerk-sync/test";
import { clerkApi, drain, initUsersBackfillApp, startUsersBackfill, useClerkApiStandIn } from "./backfillSetup";
import { at, delivered, fullPass, health, HOUR, later, MINUTE, NOON, signUp } from "./healthSetup";
import { deliver, inComponent, type TestApp } from "./setup";

useClerkApiStandIn();

const incrementalPass = async (t: TestApp) => {
  await startUsersBackfill(t, "incremental");
  return drain(t);
};
const awaited = (t: TestApp) => inComponent(t, (ctx) => ctx.db.query("graceStores").collect());

/**
 * Two users imported at noon, a sign-up delivered at 12:10; at 13:00 one is renamed in Clerk and
 * the hourly pass stores the rename two minutes later, inside the grace.
 */
async function renamedJustBeforeAPass(t: TestApp) {
  at(NOON);
  const [, renamed] = clerkApi.addUsers(2);
  await fullPass(t);
  at(NOON + 10 * MINUTE);
  expect((await delivered(t, signUp("Ada"))).body.outcome).toBe("inserted");
  at(NOON + HOUR);
  const changed = clerkApi.updateUser(renamed!.id, { last_name: "Renamed" });
  later(2 * MINUTE);
  const first = await incrementalPass(t);
  expect(first?.counts.byKind.users).toMatchObject({ updated: 1, repaired: 0 });
  expect((await health(t)).verdict).toBe("ok");
  return changed;
}

describe("a change stored inside the repair grace", () => {
  test("with no delivery of it: the next pass counts it a repair, and the verdict reads it", async () => {
    const t = initUsersBackfillApp();
    const changed = await renamedJustBeforeAPass(t);
    expect(await awaited(t)).toMatchObject([{ kind: "users", objectId: changed.id, changedAt: changed.updated_at }]);
    at(NOON + 2 * HOUR + 17 * MINUTE);
    const next = await incrementalPass(t);
    // It reads the rename again (its watermark overlaps) as unchanged, and counts it all the same.
    expect(next?.counts.byKind.users).toMatchObject({ unchanged: 1, repaired: 1, lastMissed: changed.updated_at });
    expect(await awaited(t)).toEqual([]);
    const verdict = await health(t);
    expect(verdict.verdict).toBe("silent");
    expect(verdict.passes[0]).toMatchObject({ repaired: [{ kind: "users", stored: 1, removed: 0 }] });
    expect(verdict.reasons).toContainEqual({
      rule: "backfillRepairs",
      verdict: "silent",
      count: 1,
      message:
        "no delivery applied since 2026-05-01 12:10 UTC (2 h ago), yet the incremental pass of 2026-05-01 14:17 UTC " +
        "stored 1 user that webhooks never delivered, changed in Clerk as late as 2026-05-01 13:00 UTC",
    });
  });

  test("its webhook arriving after the pass: nothing counted, by this pass or the next", async () => {
    const t = initUsersBackfillApp();
    const changed = await renamedJustBeforeAPass(t);
    later(MINUTE);
    expect((await delivered(t, changed, "updated")).body.outcome).toBe("unchanged");
    expect(await awaited(t)).toEqual([]);
    at(NOON + 2 * HOUR + 17 * MINUTE);
    const next = await incrementalPass(t);
    expect(next?.counts.byKind.users).toMatchObject({ repaired: 0, lastMissed: null });
    expect(await health(t)).toMatchObject({ verdict: "ok", reasons: [] });
  });

  test("a later change delivered instead: the row holds a newer version, nothing counted", async () => {
    const t = initUsersBackfillApp();
    const changed = await renamedJustBeforeAPass(t);
    later(5 * MINUTE);
    const again = clerkApi.updateUser(changed.id, { first_name: "Again" });
    expect((await deliver(t, userCreated({ ...again }))).body.outcome).toBe("updated");
    at(NOON + 2 * HOUR + 17 * MINUTE);
    const next = await incrementalPass(t);
    expect(next?.counts.byKind.users).toMatchObject({ repaired: 0 });
    expect(await awaited(t)).toEqual([]);
    expect((await health(t)).verdict).toBe("ok");
  });
});
