// @vitest-environment node
// The backfill of users by a full pass: paging, the snapshot rules, failures, pacing, reconciliation.
import { describe, expect, test, vi } from "vitest";
import { makeFunctionReference } from "convex/server";
import { userCreated, userDeleted, userUpdated } from "convex-clerk-sync/test";
import { api, internal } from "../example/convex/_generated/api";
import {
  clerkApi,
  drain,
  getUser,
  restartStandIn,
  runNextStep,
  SECRET_KEY,
  startUsersBackfill,
  startWithPageSize,
  initUsersBackfillApp,
  status,
  storedUsers,
  useClerkApiStandIn,
  userListRequests,
} from "./backfillSetup";
import { failing } from "./support/recordingHooks";
import { logs, deliver, inComponent, initConvexTest, ISSUER, RECORDING_HOOKS, type TestApp } from "./setup";

const startRecordingBackfill = makeFunctionReference<"mutation">("hookedBackfill:start");

useClerkApiStandIn();

/** The next scheduled step's delay, in ms from when it was scheduled. */
const nextStepDelay = (t: TestApp) =>
  inComponent(t, async (ctx) => {
    const jobs = await ctx.db.system.query("_scheduled_functions").collect();
    const step = jobs.find((job) => job.name.endsWith("step") && job.state.kind === "pending");
    return step && Math.round(step.scheduledTime - step._creationTime);
  });

describe("backfill from Clerk's Backend API", () => {
  test("users by Clerk's cursor: one request per page, no offset, each stored once, Clerk's count at both ends", async () => {
    // A Clerk that times out past offset 20, as Clerk's offsets get slower and then fail.
    await restartStandIn({ maxOffset: 20 });
    const t = initConvexTest({ "../example/convex/leanBackfill.ts": () => import("./support/leanBackfill") });
    clerkApi.addUsers(60);
    expect((await fetch(`${clerkApi.url}/v1/users?limit=10&offset=40`)).status).toBe(504);
    clerkApi.requests.length = 0;
    expect(await t.mutation(makeFunctionReference<"mutation">("leanBackfill:start"), {})).toMatchObject({
      started: true,
    });
    const done = await drain(t);
    expect(done).toMatchObject({
      status: "done",
      mode: "full",
      clerkTotal: 60,
      estimatedRemaining: 0,
      lastError: null,
      shortfalls: [],
      // 3 full pages of 20 and the empty one that ends the list, one request each, and Clerk's count at the start and at the end
      counts: {
        pages: 4,
        requests: 6,
        rewinds: 0,
        byKind: { users: { seen: 60, inserted: 60, updated: 0, unchanged: 0 } },
      },
    });
    const rows = await storedUsers(t);
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((u) => u.clerkId))).toEqual(new Set(clerkApi.users.keys()));
    const lists = userListRequests();
    expect(lists).toHaveLength(4);
    expect(lists.filter((path) => path.includes("offset="))).toEqual([]);
    expect(lists.filter((path) => path.includes("starting_after="))).toHaveLength(3);
    expect(clerkApi.requests.filter((r) => r.path === "/v1/users/count")).toHaveLength(2);
  });

  test("only one run at a time; a second pass changes nothing; hooks fire for real changes, marked backfill", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(30);
    const first = await startUsersBackfill(t);
    const again = await startUsersBackfill(t);
    expect(again).toEqual({ started: false, run: first.run });
    expect(await drain(t)).toMatchObject({
      status: "done",
      phase: "reconcileUsers",
      counts: { byKind: { users: { inserted: 30, deleted: 0 } } },
    });
    const [someone] = clerkApi.users.values();
    expect(await t.query(api.profiles.get, { clerkId: someone.id })).toMatchObject({
      displayName: someone.first_name + " Example",
    });

    const second = await startUsersBackfill(t);
    expect(second.started).toBe(true);
    expect(second.run.runId).not.toBe(first.run.runId);
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { byKind: { users: { seen: 30, inserted: 0, updated: 0, unchanged: 30 } } },
    });
    expect(await t.run(async (ctx) => (await ctx.db.query("profiles").collect()).length)).toBe(30);
    expect(await inComponent(t, async (ctx) => (await ctx.db.query("backfillSeen").collect()).length)).toBe(0);
  });

  test("a webhook with newer data that lands mid-run is not overwritten", async () => {
    const t = initUsersBackfillApp();
    const [, , late] = clerkApi.addUsers(3, (i) => ({ updated_at: 1_000 + i }));
    await startWithPageSize(t, 1);
    let delivered = false;
    const done = await drain(t, async (s) => {
      if (s.counts.pages === 1 && !delivered) {
        delivered = true; // after the first page, before the third user's page
        await deliver(t, userUpdated({ id: late.id, first_name: "Newer", updated_at: 5_000 }));
      }
    });
    expect(delivered).toBe(true);
    expect(done).toMatchObject({ status: "done", counts: { byKind: { users: { inserted: 2, stale: 1 } } } });
    expect(await getUser(t, late.id)).toMatchObject({ firstName: "Newer", updatedAt: 5_000 });
  });

  test("a tombstoned user is not brought back", async () => {
    const t = initUsersBackfillApp();
    const [gone] = clerkApi.addUsers(2);
    await deliver(t, { type: "user.deleted", object: "event", data: { id: gone.id, deleted: true } });
    await startUsersBackfill(t);
    expect(await drain(t)).toMatchObject({ counts: { byKind: { users: { inserted: 1, stale: 1 } } } });
    expect(await getUser(t, gone.id)).toBeNull();
  });

  test("a failed request mid-run resumes at the same page: nothing duplicated or skipped", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(7);
    await startWithPageSize(t, 2);
    let dropped = false;
    const done = await drain(t, async (s) => {
      if (s.counts.pages === 2 && !dropped) {
        dropped = true;
        clerkApi.dropNext(1); // the connection dies during the third page's request
      }
    });
    // Users 2 + 2 + 2 + 1: four pages, the third asked for twice.
    expect(done).toMatchObject({ status: "done", counts: { pages: 4, byKind: { users: { seen: 7, inserted: 7 } } } });
    expect(done?.lastError).toBeNull(); // cleared by the next good page
    expect(logs.some((line) => /backfill .*Clerk request failed/.test(line))).toBe(true);
    const rows = await storedUsers(t);
    expect(rows).toHaveLength(7);
    expect(new Set(rows.map((u) => u.clerkId)).size).toBe(7);
  });

  test("a page that cannot be stored is read again at half the size, and the run carries on", async () => {
    const t = initConvexTest({
      ...RECORDING_HOOKS,
      "../example/convex/hookedBackfill.ts": () => import("./support/recordingBackfill"),
    });
    clerkApi.addUsers(12);
    await t.mutation(startRecordingBackfill, {});
    await inComponent(t, async (ctx) => {
      const run = await ctx.db.query("backfillRuns").order("desc").first();
      await ctx.db.patch(run!._id, { pageSize: 8 });
    });
    failing.enabled = true; // every hook throws: the first page of 8 cannot be stored
    await runNextStep(t);
    failing.enabled = false;
    const afterFailure = await status(t); // the latest run: this one
    expect(afterFailure).toMatchObject({ status: "running", pageSize: 4, counts: { pages: 0 } });
    expect(afterFailure?.lastError).toMatch(/^storing the page failed: .*hook failed/);

    const done = await drain(t);
    expect(done).toMatchObject({ status: "done", pageSize: 4, counts: { byKind: { users: { inserted: 12 } } } });
    expect(userListRequests().map((path) => new URL(path, "http://x").searchParams.get("limit"))).toEqual([
      "8",
      "4",
      "4",
      "4",
      "4",
    ]);
    expect(await storedUsers(t)).toHaveLength(12);
  });

  test("a step that dies without reporting is restarted by the watchdog within a minute", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(5);
    await startWithPageSize(t, 2);
    await runNextStep(t);
    // Lose the pending step, as if its action crashed: nothing reports back.
    await inComponent(t, async (ctx) => {
      for (const job of await ctx.db.system.query("_scheduled_functions").collect()) {
        if (job.name.endsWith("step") && job.state.kind === "pending") await ctx.scheduler.cancel(job._id);
      }
    });
    const requests = clerkApi.requests.length;
    vi.advanceTimersByTime(61 * 1000); // the watchdog looks at the step's record every minute
    await t.finishInProgressScheduledFunctions();
    expect(await status(t)).toMatchObject({
      status: "running",
      lastError: "a step ended (canceled) without reporting; restarted it",
    });
    await runNextStep(t);
    expect(clerkApi.requests.length).toBeGreaterThan(requests);
    const done = await drain(t);
    expect(done).toMatchObject({ status: "done", counts: { byKind: { users: { seen: 5, inserted: 5 } } } });
    expect(await storedUsers(t)).toHaveLength(5);
  });

  test("the watchdog leaves a step that is still running alone, and looks again a minute later", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(1);
    await startUsersBackfill(t);
    const release = clerkApi.holdNext(); // Clerk takes its time answering the step's first request
    vi.advanceTimersToNextTimer(); // the step starts, and waits for Clerk
    await vi.waitFor(() => expect(clerkApi.requests).toHaveLength(1));
    vi.advanceTimersByTime(61 * 1000); // the watchdog fires while the step runs
    await vi.waitFor(async () => {
      const jobs = await inComponent(t, (ctx) => ctx.db.system.query("_scheduled_functions").collect());
      const watchdogs = jobs.filter((job) => job.name.endsWith("watchdog"));
      expect(watchdogs.map((job) => job.state.kind).sort()).toEqual(["pending", "success"]);
    });
    expect(await status(t)).toMatchObject({ status: "running", lastError: null });
    release();
    expect(await drain(t)).toMatchObject({ status: "done", lastError: null });
    // One step asked for the first page: the watchdog did not start another beside it.
    expect(clerkApi.requests.filter((r) => r.path === "/v1/users/count")).toHaveLength(1);
  });

  test("a 429 waits for Retry-After, then carries on", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(3);
    await startUsersBackfill(t);
    clerkApi.rateLimitNext(1, 7); // the first request (Clerk's count)
    await runNextStep(t);
    expect(await status(t)).toMatchObject({
      lastError: "Clerk rate limit (429): waiting as told",
      counts: { pages: 0 },
    });
    expect(await nextStepDelay(t)).toBe(7_000);
    expect(await drain(t)).toMatchObject({ status: "done", counts: { byKind: { users: { inserted: 3 } } } });
  });

  test("steps are paced to the configured rate (50 requests per 10 s)", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(3);
    await startWithPageSize(t, 1);
    await runNextStep(t);
    expect(await nextStepDelay(t)).toBe(2 * 200); // the first step also fetches Clerk's count: 200 ms a request
    await runNextStep(t);
    expect(await nextStepDelay(t)).toBe(200); // then one request per page
  });

  test("reconciliation deletes exactly the users Clerk no longer has", async () => {
    const t = initUsersBackfillApp();
    const kept = clerkApi.addUsers(3);
    for (const id of ["user_gone_1", "user_gone_2"]) await deliver(t, userCreated({ id }));
    await deliver(t, userCreated({ id: kept[0].id, updated_at: kept[0].created_at }));
    vi.advanceTimersByTime(1_000);
    await startUsersBackfill(t);
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { byKind: { users: { deleted: 2, inserted: 2, unchanged: 1 } } },
    });
    expect((await storedUsers(t)).map((u) => u.clerkId).sort()).toEqual(kept.map((u) => u.id).sort());
    expect(await t.query(api.profiles.get, { clerkId: "user_gone_1" })).toBeNull();
    const tombstones = await inComponent(t, (ctx) => ctx.db.query("tombstones").collect());
    expect(tombstones.map((row) => row.objectId).sort()).toEqual(["user_gone_1", "user_gone_2"]);
    // Each candidate was confirmed with Clerk before it was deleted.
    expect(clerkApi.requests.filter((r) => /\/v1\/users\/user_gone_/.test(r.path))).toHaveLength(2);
  });

  test("a user created while the run is under way is not reconciled away", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(2);
    await startWithPageSize(t, 1);
    let added = false;
    await drain(t, async (s) => {
      if (s.counts.pages === 1 && !added) {
        added = true;
        await deliver(t, userCreated({ id: "user_newcomer" })); // in Clerk only after the list was read
      }
    });
    expect(await getUser(t, "user_newcomer")).not.toBeNull();
  });

  test("cancel stops the run: no further requests", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(10);
    await startWithPageSize(t, 2);
    await runNextStep(t);
    expect(await t.mutation(internal.backfill.cancel, {})).toMatchObject({ status: "canceled", counts: { pages: 1 } });
    const requestsAtCancel = clerkApi.requests.length;
    await t.finishAllScheduledFunctions(() => vi.runAllTimers());
    expect(clerkApi.requests.length).toBe(requestsAtCancel);
    expect(await storedUsers(t)).toHaveLength(2);
  });

  test("without CLERK_SECRET_KEY the run waits and says why; the key is never stored or logged", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(4);
    delete process.env.CLERK_SECRET_KEY;
    await startUsersBackfill(t);
    await runNextStep(t);
    expect((await status(t))?.lastError).toMatch(/CLERK_SECRET_KEY is not set/);
    process.env.CLERK_SECRET_KEY = SECRET_KEY;
    expect(await drain(t)).toMatchObject({ status: "done", counts: { byKind: { users: { inserted: 4 } } } });

    expect(clerkApi.requests.every((r) => r.authorization === `Bearer ${SECRET_KEY}`)).toBe(true);
    const stored = await inComponent(t, async (ctx) => {
      const tables = ["users", "tombstones", "deliveries", "backfillRuns", "backfillSeen"] as const;
      const rows = await Promise.all(tables.map((table) => ctx.db.query(table).collect()));
      return JSON.stringify([rows, await ctx.db.system.query("_scheduled_functions").collect()]);
    });
    const hostRows = await t.run(async (ctx) =>
      JSON.stringify(await ctx.db.system.query("_scheduled_functions").collect()),
    );
    for (const text of [stored, hostRows, logs.join("\n")]) expect(text).not.toContain(SECRET_KEY);
  });
});

describe("changes under the run", () => {
  test("users deleted in Clerk mid-run, the cursor's own among them: nobody else is skipped", async () => {
    const t = initUsersBackfillApp();
    const all = clerkApi.addUsers(10);
    await startWithPageSize(t, 3);
    const deletedAt = new Map<number, string[]>([
      [1, [all[0].id, all[2].id]], // after the first page: one before the cursor, and the cursor itself
      [2, [all[4].id]], // after the second: one in the page just read
    ]);
    const done = await drain(t, async (s) => {
      for (const id of deletedAt.get(s.counts.pages) ?? []) {
        clerkApi.users.delete(id);
        await deliver(t, userDeleted(id)); // as Clerk sends it
      }
      deletedAt.delete(s.counts.pages);
    });
    expect(deletedAt.size).toBe(0);
    // Each user read once: those deleted after their page was read had been stored, then the webhook deleted them.
    expect(done).toMatchObject({
      status: "done",
      lastError: null,
      counts: { byKind: { users: { seen: 10, inserted: 10 } } },
    });
    expect((await storedUsers(t)).map((u) => u.clerkId).sort()).toEqual([...clerkApi.users.keys()].sort());
    expect(clerkApi.users.size).toBe(7);
    // Clerk refused the deleted cursor once; the page restarted at its created_at.
    const lists = clerkApi.requests.filter((r) => r.path.startsWith("/v1/users?")).map((r) => r.path);
    expect(lists.filter((path) => path.includes(`starting_after=${all[2].id}`))).toHaveLength(1);
    expect(lists.filter((path) => path.includes(`created_at_after=${all[2].created_at - 1}`))).toHaveLength(1);
    expect(lists.filter((path) => path.includes("offset="))).toEqual([]);
  });
});

describe("syncCurrentUser: the sign-up race", () => {
  test("fetches the signed-in user from Clerk when the webhook has not landed, stores it once", async () => {
    const t = initUsersBackfillApp();
    const [ada] = clerkApi.addUsers(1, () => ({ first_name: "Ada", last_name: null }));
    const asAda = t.withIdentity({ issuer: ISSUER, subject: ada.id });
    expect(await asAda.query(api.users.me, {})).toBeNull();
    expect(await asAda.action(api.users.ensureMe, {})).toEqual({ clerkId: ada.id, name: "Ada" });
    expect(await asAda.query(api.users.me, {})).toMatchObject({ clerkId: ada.id, name: "Ada" });
    // The hooks ran, as for a webhook.
    expect(await t.query(api.profiles.get, { clerkId: ada.id })).toMatchObject({ displayName: "Ada" });
    // Synced now: a second call does not ask Clerk again.
    const requests = clerkApi.requests.length;
    await asAda.action(api.users.ensureMe, {});
    expect(clerkApi.requests.length).toBe(requests);
    // The webhook that lands later is the same version: unchanged.
    expect((await deliver(t, userCreated({ ...ada, id: ada.id }))).body.outcome).toBe("unchanged");
  });

  test("null when signed out, or when Clerk has no such user", async () => {
    const t = initUsersBackfillApp();
    expect(await t.action(api.users.ensureMe, {})).toBeNull();
    expect(await t.withIdentity({ issuer: ISSUER, subject: "user_unknown" }).action(api.users.ensureMe, {})).toBeNull();
    expect(clerkApi.requests.map((r) => r.path)).toEqual(["/v1/users/user_unknown"]);
  });
});
