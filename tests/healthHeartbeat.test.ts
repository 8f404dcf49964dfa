// @vitest-environment node
// The verdict with the heartbeat, over simulated hours under Svix's retry schedule: an outage in
// quiet hours seen within two intervals and kept until deliveries return, its cause named, the heal
// pass that follows, a kind not subscribed, Svix giving up, and forged floods.
import { expect, test } from "vitest";
import { userCreated, userUpdated } from "convex-clerk-sync/test";
import { clerkApi, drain, initUsersBackfillApp, startUsersBackfill, useClerkApiStandIn } from "./backfillSetup";
import { at, health, HOUR, MINUTE } from "./healthSetup";
import { heartbeatStatus, heartbeatUserId, sendHeartbeat, setUpHeartbeat, userRows } from "./heartbeatSetup";
import { inComponent, type TestApp } from "./setup";
import { svixStandIn, type SvixStandIn } from "./support/svixStandIn";

useClerkApiStandIn();

/** Sunday 2026-05-03 00:00 UTC. */
const SUNDAY = Date.UTC(2026, 4, 3);
const INTERVAL = 5 * MINUTE;

/** A quiet app: three users imported by a first pass on Saturday evening, the heartbeat set up. */
async function quietApp() {
  const t = initUsersBackfillApp();
  const svix = svixStandIn(t);
  at(SUNDAY - 4 * HOUR);
  const users = clerkApi.addUsers(3);
  await startUsersBackfill(t);
  await drain(t);
  await setUpHeartbeat(t);
  return { t, svix, users };
}

/** The host's cron: a heartbeat every 5 minutes until `until`, Svix delivering (and retrying) between them. */
async function runUntil(t: TestApp, svix: SvixStandIn, until: number, every = INTERVAL) {
  for (let tick = Math.ceil(Date.now() / every) * every; tick <= until; tick += every) {
    await svix.runUntil(tick);
    await sendHeartbeat(t);
    svix.emit(userUpdated({ ...clerkApi.users.get(await heartbeatUserId(t))! }));
    await svix.runUntil(tick);
  }
  await svix.runUntil(until);
}

const runsStarted = (t: TestApp, after: number) =>
  inComponent(t, async (ctx) => (await ctx.db.query("backfillRuns").collect()).filter((run) => run.startedAt > after));

test("a 3 am outage on a quiet Sunday: silent within two intervals, kept until deliveries return, healed by one pass", async () => {
  const { t, svix, users } = await quietApp();
  await runUntil(t, svix, SUNDAY + 3 * HOUR - 1);
  expect(await health(t)).toMatchObject({ verdict: "ok", reasons: [] });
  const down = SUNDAY + 3 * HOUR;
  svix.state.route = "unmounted";
  await runUntil(t, svix, down + 2 * INTERVAL + 1);
  const seen = await health(t);
  expect(seen.verdict).toBe("silent");
  expect(seen.reasons[0]).toMatchObject({
    rule: "heartbeat",
    verdict: "silent",
    message: expect.stringMatching(
      /^the heartbeat sent at 2026-05-03 03:00 UTC has not come back after 10 min \(3 heartbeats unanswered\); nothing was refused: no request reaches the route/,
    ),
  });
  // A user renamed at 3:20 while the route is down.
  await runUntil(t, svix, down + 20 * MINUTE);
  const renamed = clerkApi.updateUser(users[0]!.id, { last_name: "Renamed" });
  svix.emit(userUpdated({ ...renamed }));
  // An hourly incremental pass at 4:17 repairs the rename, the one at 5:17 finds nothing new: at
  // 6:55 the outage is still raised, by the heartbeat and by the 4:17 pass's repair.
  for (const hour of [1, 2]) {
    await runUntil(t, svix, down + hour * HOUR + 17 * MINUTE);
    await startUsersBackfill(t, "incremental");
    await drain(t);
  }
  await runUntil(t, svix, down + 3 * HOUR + 55 * MINUTE);
  const kept = await health(t);
  expect(kept.verdict).toBe("silent");
  expect(kept.reasons.map(({ rule, verdict }) => [rule, verdict])).toEqual([
    ["heartbeat", "silent"],
    ["backfillRepairs", "silent"],
  ]);
  expect(kept.reasons[1]!.message).toMatch(
    /^no delivery applied and no heartbeat back since 2026-05-03 02:55 UTC \(4 h ago\), yet the incremental pass of 2026-05-03 04:17 UTC stored 1 user that webhooks never delivered, changed in Clerk as late as 2026-05-03 03:20 UTC$/,
  );
  expect((await runsStarted(t, down)).map((run) => run.mode)).toEqual(["incremental", "incremental"]);
  await runUntil(t, svix, down + 4 * HOUR - 1);

  // 7:00: the route is back. The next heartbeat returns, Svix's retries land over the hours after.
  svix.state.route = "up";
  const back = down + 4 * HOUR;
  clerkApi.updateUser(users[1]!.id, { last_name: "Missed" }); // changed at 7:00, its delivery lost in Svix
  await runUntil(t, svix, back + INTERVAL);
  const healing = await health(t);
  expect(healing.reasons).toEqual([expect.objectContaining({ rule: "outage", verdict: "degraded" })]);
  expect(healing.reasons[0]!.message).toMatch(
    /^the webhook was unreachable from 2026-05-03 03:00 UTC to 2026-05-03 07:0\d UTC \(4 h\); the incremental pass started at 2026-05-03 07:0\d UTC is repairing what it missed$/,
  );
  const heal = await drain(t);
  expect(heal).toMatchObject({ mode: "incremental", status: "done" });
  expect(heal?.counts.byKind.users.updated).toBe(1);
  expect((await health(t)).verdict).toBe("ok");
  // Svix's retries of the heartbeats sent during the outage land later: no second heal pass.
  await runUntil(t, svix, back + 6 * HOUR, HOUR);
  expect((await runsStarted(t, back - 1)).length).toBe(1);
  expect((await heartbeatStatus(t))?.lastOutage).toMatchObject({ heal: "started an incremental pass" });
  expect(await health(t)).toMatchObject({ verdict: "ok", reasons: [] });
});

test("a wrong signing secret: silent, the refused signatures named and counted", async () => {
  const { t, svix } = await quietApp();
  await runUntil(t, svix, SUNDAY + 3 * HOUR);
  svix.state.route = "wrongSecret";
  const before = svix.state.attempts;
  await runUntil(t, svix, SUNDAY + 3 * HOUR + 11 * MINUTE);
  const verdict = await health(t);
  expect(verdict.verdict).toBe("silent");
  expect(verdict.reasons.map(({ rule, verdict }) => [rule, verdict])).toEqual([
    ["heartbeat", "silent"],
    ["signatureRefusals", "silent"],
  ]);
  expect(verdict.reasons[0]!.message).toContain("requests reach the route and fail their signature:");
  expect(verdict.reasons[1]).toMatchObject({
    count: svix.state.attempts - before, // every attempt since 3:00, retries included
    message: expect.stringContaining("CLERK_WEBHOOK_SECRET is not the endpoint's signing secret"),
  });
});

test("a kind not subscribed (user.created): degraded, never silent, until a pass repairs none of it", async () => {
  const { t, svix } = await quietApp();
  svix.state.unsubscribed.add("user.created");
  await runUntil(t, svix, SUNDAY + 10 * HOUR);
  for (const name of ["Ada", "Bob"]) {
    const user = clerkApi.addUsers(1, () => ({ first_name: name, created_at: Date.now(), updated_at: Date.now() }))[0]!;
    svix.emit(userCreated({ ...user }));
  }
  await runUntil(t, svix, SUNDAY + 11 * HOUR + 17 * MINUTE);
  await startUsersBackfill(t, "incremental");
  await drain(t);
  const missed = await health(t);
  expect(missed.verdict).toBe("degraded");
  expect(missed.reasons).toEqual([
    expect.objectContaining({
      rule: "backfillRepairs",
      verdict: "degraded",
      count: 2,
      message: expect.stringContaining("stored 2 users that webhooks never delivered, while other deliveries were"),
    }),
  ]);
  // Hours later, still degraded (never silent), until an hour with no sign-up: its pass repairs none.
  await runUntil(t, svix, SUNDAY + 15 * HOUR);
  expect((await health(t)).verdict).toBe("degraded");
  await runUntil(t, svix, SUNDAY + 15 * HOUR + 17 * MINUTE);
  await startUsersBackfill(t, "incremental");
  await drain(t);
  expect(await health(t)).toMatchObject({ verdict: "ok", reasons: [] });
});

test("an outage longer than Svix's retries: named, a full heal pass, cleared once it ends", async () => {
  const { t, svix, users } = await quietApp();
  await runUntil(t, svix, SUNDAY + HOUR);
  svix.state.route = "unmounted";
  clerkApi.users.delete(users[2]!.id);
  svix.emit({ type: "user.deleted", object: "event", data: { id: users[2]!.id, deleted: true } } as { type: string });
  // 30 hours down (one heartbeat an hour stands for the twelve of the long middle).
  await runUntil(t, svix, SUNDAY + 2 * HOUR);
  await runUntil(t, svix, SUNDAY + 30 * HOUR, HOUR);
  await runUntil(t, svix, SUNDAY + 31 * HOUR);
  expect(svix.state.gaveUp).toContain("user.deleted");
  svix.state.route = "up";
  await runUntil(t, svix, SUNDAY + 31 * HOUR + INTERVAL);
  const named = await health(t);
  expect(named.reasons).toEqual([
    expect.objectContaining({
      rule: "outage",
      verdict: "degraded",
      message: expect.stringMatching(
        /longer than Svix retries a message \(about 28 h\): the changes of its first \d h were dropped; a full pass started after it clears this \(started a full pass\)$/,
      ),
    }),
  ]);
  const heal = await drain(t);
  expect(heal).toMatchObject({ mode: "full", status: "done" });
  expect((await userRows(t)).map((row) => row.clerkId)).not.toContain(users[2]!.id);
  expect(await health(t)).toMatchObject({ verdict: "ok", reasons: [] });
});

test("a forged flood while heartbeats come back changes nothing, and grows no table", async () => {
  const { t, svix } = await quietApp();
  await runUntil(t, svix, SUNDAY + 3 * HOUR);
  // At 3:01, after the 3:00 heartbeat came back: 60 forged requests, each refused.
  at(SUNDAY + 3 * HOUR + MINUTE);
  for (let i = 0; i < 60; i++) {
    const forged = await t.fetch("/clerk-users-webhook", {
      method: "POST",
      body: JSON.stringify(userCreated()),
      headers: {
        "svix-id": `msg_forged_${i}`,
        "svix-timestamp": String(Math.floor(Date.now() / 1000)),
        "svix-signature": "v1,Zm9yZ2Vk",
      },
    });
    expect(forged.status).toBe(401);
  }
  // Refused since the webhook was last heard from, but the heartbeat is not overdue: no finding.
  expect(await health(t)).toMatchObject({ verdict: "ok", reasons: [] });
  await runUntil(t, svix, SUNDAY + 3 * HOUR + 30 * MINUTE);
  expect(await health(t)).toMatchObject({ verdict: "ok", reasons: [] });
  const refusals = await inComponent(t, (ctx) => ctx.db.query("signatureRefusals").collect());
  expect(refusals).toEqual([expect.objectContaining({ windowStart: SUNDAY + 3 * HOUR, count: 60 })]);
  expect(await userRows(t)).toHaveLength(3);
});
