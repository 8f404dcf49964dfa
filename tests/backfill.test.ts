// @vitest-environment node
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { convexTest } from "./support/convexRules";
import { makeFunctionReference } from "convex/server";
import { ClerkSync } from "convex-clerk-sync";
import clerkTest, {
  organizationDeleted,
  organizationUpdated,
  roleDeleted,
  subscriptionItemEvent,
  userCreated,
  userDeleted,
  userUpdated,
} from "convex-clerk-sync/test";
import schema from "../example/convex/schema";
import { api, components, internal } from "../example/convex/_generated/api";
import { startClerkApiStandIn, type ClerkApiStandIn } from "./support/clerkApiStandIn";
import { logs, deliver, inComponent, initConvexTest, modules, SECRET, type TestApp, ISSUER } from "./setup";

const SECRET_KEY = "sk_test_standin_0123456789abcdef";
const clerk = new ClerkSync(components.clerk);
let clerkApi: ClerkApiStandIn;

beforeEach(async () => {
  clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = SECRET_KEY;
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
});
afterEach(async () => {
  await clerkApi.close();
});

type Status = Awaited<ReturnType<typeof status>>;
const status = (t: TestApp) => t.query(internal.backfill.status, {});

/**
 * Run scheduled functions one timer at a time until the run stops, calling `between`
 * after each step. (Jumping all timers at once would fire the 15-minute watchdog while
 * a step still awaits Clerk.)
 */
async function drain(t: TestApp, between?: (s: NonNullable<Status>) => Promise<void>, maxSteps = 2_000) {
  for (let i = 0; i < maxSteps; i++) {
    await t.finishInProgressScheduledFunctions();
    const current = await status(t);
    if (current?.status !== "running") {
      await t.finishAllScheduledFunctions(() => vi.runAllTimers()); // the cleanup of `backfillSeen`
      return current;
    }
    await between?.(current);
    vi.advanceTimersToNextTimer();
  }
  throw new Error("backfill did not finish");
}
const users = (t: TestApp) => inComponent(t, (ctx) => ctx.db.query("users").collect());
const getUser = (t: TestApp, clerkId: string) =>
  inComponent(t, (ctx) =>
    ctx.db
      .query("users")
      .withIndex("by_clerk_id", (q) => q.eq("clerkId", clerkId))
      .unique(),
  );
/** The next scheduled step's delay, in ms from now. */
const nextStepDelay = (t: TestApp) =>
  inComponent(t, async (ctx) => {
    const jobs = await ctx.db.system.query("_scheduled_functions").collect();
    const step = jobs.find((job) => job.name.endsWith("step") && job.state.kind === "pending");
    return step && Math.round(step.scheduledTime - Date.now());
  });

describe("backfill from Clerk's Backend API", () => {
  test("2,000 users by Clerk's cursor: one request per page, no offset, each stored once", async () => {
    // A Clerk that times out past offset 1,000, as Clerk's offsets get slower and then fail.
    await useStandIn({ maxOffset: 1_000 });
    process.env.CLERK_WEBHOOK_SECRET = SECRET;
    const t = convexTest(schema, {
      ...modules,
      "../example/convex/leanBackfill.ts": () => import("./support/leanBackfill"),
    });
    clerkTest.register(t);
    clerkApi.addUsers(2_000);
    expect((await fetch(`${clerkApi.url}/v1/users?limit=10&offset=1500`)).status).toBe(504);
    clerkApi.requests.length = 0;
    const start = makeFunctionReference<"mutation">("leanBackfill:start");
    expect(await t.mutation(start, {})).toMatchObject({ started: true });
    const done = await drain(t as unknown as TestApp);
    expect(done).toMatchObject({
      status: "done",
      mode: "full",
      clerkTotal: 2_000,
      estimatedRemaining: 0,
      lastError: null,
      // 4 full pages and the empty one that ends the list, one request each, and Clerk's count once
      counts: { seen: 2_000, inserted: 2_000, updated: 0, unchanged: 0, pages: 5, requests: 6 },
    });
    const rows = await users(t as unknown as TestApp);
    expect(rows).toHaveLength(2_000);
    expect(new Set(rows.map((u) => u.clerkId))).toEqual(new Set(clerkApi.users.keys()));
    const lists = clerkApi.requests.filter((r) => r.path.startsWith("/v1/users?")).map((r) => r.path);
    expect(lists).toHaveLength(5);
    expect(lists.filter((path) => path.includes("offset="))).toEqual([]);
    expect(lists.filter((path) => path.includes("starting_after="))).toHaveLength(4);
    expect(clerkApi.requests.filter((r) => r.path === "/v1/users/count")).toHaveLength(1);
  }, 60_000);

  test("only one run at a time; a second pass changes nothing; hooks fire for real changes, marked backfill", async () => {
    const t = initConvexTest();
    clerkApi.addUsers(30);
    const first = await t.mutation(internal.backfill.start, {});
    const again = await t.mutation(internal.backfill.start, {});
    expect(again).toEqual({ started: false, run: first.run });
    expect(await drain(t)).toMatchObject({
      status: "done",
      phase: "reconcilePermissions",
      counts: { inserted: 30, deleted: 0 },
    });
    const [someone] = clerkApi.users.values();
    expect(await t.query(api.profiles.get, { clerkId: someone.id })).toMatchObject({
      displayName: someone.first_name + " Example",
    });

    const second = await t.mutation(internal.backfill.start, {});
    expect(second.started).toBe(true);
    expect(second.run.runId).not.toBe(first.run.runId);
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { seen: 30, inserted: 0, updated: 0, unchanged: 30 },
    });
    expect(await t.run(async (ctx) => (await ctx.db.query("profiles").collect()).length)).toBe(30);
    expect(await inComponent(t, async (ctx) => (await ctx.db.query("backfillSeen").collect()).length)).toBe(0);
  });

  test("a webhook with newer data that lands mid-run is not overwritten", async () => {
    const t = initConvexTest();
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
    expect(done).toMatchObject({ status: "done", counts: { inserted: 2, stale: 1 } });
    expect(await getUser(t, late.id)).toMatchObject({ firstName: "Newer", updatedAt: 5_000 });
  });

  test("a tombstoned user is not brought back", async () => {
    const t = initConvexTest();
    const [gone] = clerkApi.addUsers(2);
    await deliver(t, { type: "user.deleted", object: "event", data: { id: gone.id, deleted: true } });
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({ counts: { inserted: 1, stale: 1 } });
    expect(await getUser(t, gone.id)).toBeNull();
  });

  test("a failed request mid-run resumes at the same page: nothing duplicated or skipped", async () => {
    const t = initConvexTest();
    clerkApi.addUsers(7);
    await startWithPageSize(t, 2);
    let dropped = false;
    const done = await drain(t, async (s) => {
      if (s.counts.pages === 2 && !dropped) {
        dropped = true;
        clerkApi.dropNext(1); // the connection dies during the third page's request
      }
    });
    // Users 2 + 2 + 2 + 1, then one empty page each of organizations, memberships, permissions and roles.
    expect(done).toMatchObject({ status: "done", counts: { seen: 7, inserted: 7, pages: 8 } });
    expect(done?.lastError).toBeNull(); // cleared by the next good page
    expect(logs.some((line) => /backfill .*Clerk request failed/.test(line))).toBe(true);
    const rows = await users(t);
    expect(rows).toHaveLength(7);
    expect(new Set(rows.map((u) => u.clerkId)).size).toBe(7);
  });

  test("a step that dies without reporting is restarted by the watchdog", async () => {
    const t = initConvexTest();
    clerkApi.addUsers(5);
    await startWithPageSize(t, 2);
    await runNextStep(t);
    // Lose the pending step, as if its action crashed: nothing reports back.
    await inComponent(t, async (ctx) => {
      for (const job of await ctx.db.system.query("_scheduled_functions").collect()) {
        if (job.name.endsWith("step") && job.state.kind === "pending") await ctx.scheduler.cancel(job._id);
      }
    });
    vi.advanceTimersByTime(16 * 60 * 1000);
    const done = await drain(t);
    expect(done).toMatchObject({ status: "done", counts: { seen: 5, inserted: 5 } });
    expect(await users(t)).toHaveLength(5);
  });

  test("a 429 waits for Retry-After, then carries on", async () => {
    const t = initConvexTest();
    clerkApi.addUsers(3);
    await t.mutation(internal.backfill.start, {});
    clerkApi.rateLimitNext(1, 7); // the first request (Clerk's count)
    await runNextStep(t);
    expect(await status(t)).toMatchObject({
      lastError: "Clerk rate limit (429): waiting as told",
      counts: { pages: 0 },
    });
    expect(await nextStepDelay(t)).toBe(7_000);
    expect(await drain(t)).toMatchObject({ status: "done", counts: { inserted: 3 } });
  });

  test("steps are paced to the configured rate (50 requests per 10 s)", async () => {
    const t = initConvexTest();
    clerkApi.addUsers(3);
    await startWithPageSize(t, 1);
    await runNextStep(t);
    expect(await nextStepDelay(t)).toBe(2 * 200); // the first step also fetches Clerk's count: 200 ms a request
    await runNextStep(t);
    expect(await nextStepDelay(t)).toBe(200); // then one request per page
  });

  test("reconciliation deletes exactly the users Clerk no longer has", async () => {
    const t = initConvexTest();
    const kept = clerkApi.addUsers(3);
    for (const id of ["user_gone_1", "user_gone_2"]) await deliver(t, userCreated({ id }));
    await deliver(t, userCreated({ id: kept[0].id, updated_at: kept[0].created_at }));
    vi.advanceTimersByTime(1_000);
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({ status: "done", counts: { deleted: 2, inserted: 2, unchanged: 1 } });
    expect((await users(t)).map((u) => u.clerkId).sort()).toEqual(kept.map((u) => u.id).sort());
    expect(await t.query(api.profiles.get, { clerkId: "user_gone_1" })).toBeNull();
    const tombstones = await inComponent(t, (ctx) => ctx.db.query("tombstones").collect());
    expect(tombstones.map((row) => row.objectId).sort()).toEqual(["user_gone_1", "user_gone_2"]);
    // Each candidate was confirmed with Clerk before it was deleted.
    expect(clerkApi.requests.filter((r) => /\/v1\/users\/user_gone_/.test(r.path))).toHaveLength(2);
  });

  test("a user created while the run is under way is not reconciled away", async () => {
    const t = initConvexTest();
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
    const t = initConvexTest();
    clerkApi.addUsers(10);
    await startWithPageSize(t, 2);
    await runNextStep(t);
    expect(await t.mutation(internal.backfill.cancel, {})).toMatchObject({ status: "canceled", counts: { pages: 1 } });
    const requestsAtCancel = clerkApi.requests.length;
    await t.finishAllScheduledFunctions(() => vi.runAllTimers());
    expect(clerkApi.requests.length).toBe(requestsAtCancel);
    expect(await users(t)).toHaveLength(2);
  });

  test("without CLERK_SECRET_KEY the run waits and says why; the key is never stored or logged", async () => {
    const t = initConvexTest();
    clerkApi.addUsers(4);
    delete process.env.CLERK_SECRET_KEY;
    await t.mutation(internal.backfill.start, {});
    await runNextStep(t);
    expect((await status(t))?.lastError).toMatch(/CLERK_SECRET_KEY is not set/);
    process.env.CLERK_SECRET_KEY = SECRET_KEY;
    expect(await drain(t)).toMatchObject({ status: "done", counts: { inserted: 4 } });

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

/** Replace the stand-in with one started with `options`. */
async function useStandIn(options: Parameters<typeof startClerkApiStandIn>[0]) {
  await clerkApi.close();
  clerkApi = await startClerkApiStandIn(options);
  process.env.CLERK_API_URL = clerkApi.url;
}

/** Start the example's backfill with a smaller page than Clerk's 500, to cross pages with few users. */
async function startWithPageSize(t: TestApp, pageSize: number, mode: "full" | "incremental" = "full") {
  const started = await t.mutation(internal.backfill.start, { mode });
  // The first step is only scheduled (timers are fake): set the page size before it runs.
  await inComponent(t, async (ctx) => {
    const run = await ctx.db.query("backfillRuns").order("desc").first();
    await ctx.db.patch(run!._id, { pageSize });
  });
  return started;
}

/** Fire the next timer (the next step) and wait for what it started. */
async function runNextStep(t: TestApp) {
  vi.advanceTimersToNextTimer();
  await t.finishInProgressScheduledFunctions();
}

describe("backfill of organizations and memberships", () => {
  test("after the users: organizations, then memberships, under the webhook rules", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    const t = initConvexTest();
    const [ada, bob] = clerkApi.addUsers(2);
    const acme = clerkApi.addOrganization({ name: "Acme", slug: "acme" });
    const globex = clerkApi.addOrganization({ name: "Globex", slug: "globex" });
    clerkApi.addMembership(acme.id, ada.id, "org:admin");
    clerkApi.addMembership(acme.id, bob.id);
    clerkApi.addMembership(globex.id, bob.id, "admin");
    // A webhook already brought a newer Acme.
    await deliver(
      t,
      organizationUpdated({ id: acme.id, name: "Acme (renamed)", slug: "acme", updated_at: acme.created_at + 1 }),
    );

    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { seen: 2, organizationsSeen: 2, membershipsSeen: 3 },
    });
    const orgs = await inComponent(t, (ctx) => ctx.db.query("organizations").collect());
    expect(orgs.map((o) => o.name).sort()).toEqual(["Acme (renamed)", "Globex"]);
    const bobs = await t.query(async (ctx) => clerk.listOrganizationsForUser(ctx, bob.id));
    expect(bobs.map(({ organization, membership }) => [organization?.slug, membership.role]).sort()).toEqual([
      ["acme", "org:member"],
      ["globex", "admin"],
    ]);
    expect(clerkApi.requests.some((r) => r.path.startsWith("/v1/organization_memberships"))).toBe(true);
  });
});

describe("changes under the run", () => {
  test("users deleted in Clerk mid-run, the cursor's own among them: nobody else is skipped", async () => {
    const t = initConvexTest();
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
    expect(done).toMatchObject({ status: "done", lastError: null, counts: { seen: 10, inserted: 10 } });
    expect((await users(t)).map((u) => u.clerkId).sort()).toEqual([...clerkApi.users.keys()].sort());
    expect(clerkApi.users.size).toBe(7);
    // Clerk refused the deleted cursor once; the page restarted at its created_at.
    const lists = clerkApi.requests.filter((r) => r.path.startsWith("/v1/users?")).map((r) => r.path);
    expect(lists.filter((path) => path.includes(`starting_after=${all[2].id}`))).toHaveLength(1);
    expect(lists.filter((path) => path.includes(`created_at_after=${all[2].created_at - 1}`))).toHaveLength(1);
    expect(lists.filter((path) => path.includes("offset="))).toEqual([]);
  });
});

describe("incremental passes", () => {
  /** A full pass over `count` users, then an hour later. */
  async function afterFullPass(t: TestApp, count: number) {
    const existing = clerkApi.addUsers(count);
    await t.mutation(internal.backfill.start, { mode: "full" });
    const full = await drain(t);
    expect(full).toMatchObject({ status: "done", mode: "full", counts: { inserted: count } });
    vi.advanceTimersByTime(60 * 60 * 1000);
    return { existing, full: full! };
  }
  const watermark = (t: TestApp) => t.query(internal.backfill.watermark, {});
  const listRequests = () => clerkApi.requests.filter((r) => r.path.startsWith("/v1/users?")).map((r) => r.path);

  test("without a completed pass, an incremental start runs a full pass", async () => {
    const t = initConvexTest();
    clerkApi.addUsers(3);
    expect(await watermark(t)).toBeNull();
    const { run } = await t.mutation(internal.backfill.start, { mode: "incremental" });
    expect(run).toMatchObject({ mode: "full", updatedSince: null });
    expect(await drain(t)).toMatchObject({ status: "done", counts: { inserted: 3 } });
    expect(await watermark(t)).toEqual({ updatedSince: run.startedAt - 5 * 60 * 1000, runId: run.runId, mode: "full" });
  });

  test("only the users changed since the last completed pass are fetched; the watermark advances", async () => {
    const t = initConvexTest();
    const { existing, full } = await afterFullPass(t, 20);
    const changed = [existing[3], existing[11], existing[17]].map((u, i) =>
      clerkApi.updateUser(u.id, { first_name: `Changed${i}` }),
    );
    const added = clerkApi.addUsers(2, () => ({ created_at: Date.now(), updated_at: Date.now() }));
    vi.advanceTimersByTime(10 * 60 * 1000); // past the watermark's margin, so the next pass does not re-read them
    const before = clerkApi.requests.length;

    const { run } = await startWithPageSize(t, 2, "incremental");
    expect(run).toMatchObject({ mode: "incremental", updatedSince: full.startedAt - 5 * 60 * 1000 });
    const done = await drain(t);
    // Five changed users, two per page, each page re-reading the previous page's last one:
    // pages at offsets 0, 1, 2, 3, and the one at 4 that reaches users older than the watermark.
    expect(done).toMatchObject({
      status: "done",
      mode: "incremental",
      clerkTotal: null,
      counts: { seen: 5, inserted: 2, updated: 3, unchanged: 0, deleted: 0, pages: 5, requests: 5, rewinds: 0 },
    });
    const requests = clerkApi.requests.slice(before).map((r) => r.path);
    expect(requests.every((path) => path.startsWith("/v1/users?") && path.includes("order_by=-updated_at"))).toBe(true);
    expect(requests.map((path) => new URL(path, clerkApi.url).searchParams.get("offset"))).toEqual([
      "0",
      "1",
      "2",
      "3",
      "4",
    ]);
    for (const [i, user] of changed.entries())
      expect(await getUser(t, user.id)).toMatchObject({ firstName: `Changed${i}` });
    for (const user of added) expect(await getUser(t, user.id)).not.toBeNull();
    expect(await watermark(t)).toEqual({
      updatedSince: run.startedAt - 5 * 60 * 1000,
      runId: run.runId,
      mode: "incremental",
    });

    // Nothing changed since: one request, nothing stored.
    vi.advanceTimersByTime(60 * 60 * 1000);
    await t.mutation(internal.backfill.start, { mode: "incremental" });
    expect(await drain(t)).toMatchObject({ status: "done", counts: { seen: 0, pages: 1, requests: 1 } });
  });

  test("a pass that does not complete leaves the watermark where it was", async () => {
    const t = initConvexTest();
    const { existing } = await afterFullPass(t, 5);
    const before = await watermark(t);
    clerkApi.updateUser(existing[1].id, { first_name: "Later" });

    await t.mutation(internal.backfill.start, { mode: "incremental" });
    clerkApi.dropNext(1);
    await runNextStep(t);
    expect(await status(t)).toMatchObject({
      status: "running",
      lastError: expect.stringMatching(/Clerk request failed/),
    });
    expect(await t.mutation(internal.backfill.cancel, {})).toMatchObject({ status: "canceled" });
    expect(await watermark(t)).toEqual(before);
    expect(await getUser(t, existing[1].id)).toMatchObject({ firstName: "User1" });

    // The next pass starts from the same watermark and brings the change.
    const { run } = await t.mutation(internal.backfill.start, { mode: "incremental" });
    expect(run.updatedSince).toBe(before!.updatedSince);
    expect(await drain(t)).toMatchObject({ status: "done", counts: { seen: 1, updated: 1 } });
    expect(await getUser(t, existing[1].id)).toMatchObject({ firstName: "Later" });
  });

  test("users deleted mid-pass shift the list: the pass reads back and skips nobody", async () => {
    const t = initConvexTest();
    const { existing } = await afterFullPass(t, 10);
    // Six changed users, most recent first: a b c d e f.
    const [a, b, c, d, e, f] = existing
      .slice(0, 6)
      .map((u, i) => clerkApi.updateUser(u.id, { updated_at: Date.now() - i, last_name: "New" }));
    await startWithPageSize(t, 3, "incremental");
    let deleted = false;
    const done = await drain(t, async (s) => {
      if (s.counts.pages === 1 && !deleted) {
        deleted = true; // the whole first page goes: d moves to the front, before the next offset
        for (const user of [a, b, c]) clerkApi.users.delete(user.id);
      }
    });
    expect(deleted).toBe(true);
    expect(done).toMatchObject({ status: "done", counts: { seen: 6, updated: 6, rewinds: 1 } });
    for (const user of [d, e, f]) expect(await getUser(t, user.id)).toMatchObject({ lastName: "New" });
    const offsets = listRequests()
      .slice(-4)
      .map((path) => new URL(path, clerkApi.url).searchParams.get("offset"));
    expect(offsets).toEqual(["0", "1", "0", "1"]);
  });

  test("a full start takes over from a running incremental pass", async () => {
    const t = initConvexTest();
    await afterFullPass(t, 3);
    const incremental = await t.mutation(internal.backfill.start, { mode: "incremental" });
    expect(await t.mutation(internal.backfill.start, { mode: "incremental" })).toMatchObject({ started: false });
    const full = await t.mutation(internal.backfill.start, { mode: "full" });
    expect(full).toMatchObject({ started: true, run: { mode: "full" } });
    const superseded = await inComponent(t, (ctx) =>
      ctx.db.get(ctx.db.normalizeId("backfillRuns", incremental.run.runId)!),
    );
    expect(superseded).toMatchObject({
      status: "canceled",
      lastError: "superseded by a full pass",
    });
    expect(await t.mutation(internal.backfill.start, { mode: "full" })).toMatchObject({ started: false });
    expect(await drain(t)).toMatchObject({ status: "done", mode: "full", counts: { unchanged: 3 } });
  });
});

describe("reconciliation of organizations and memberships", () => {
  test("a full pass deletes, with hooks and tombstones, the organizations and memberships Clerk no longer has", async () => {
    const t = initConvexTest();
    const [ada, bob, cy] = clerkApi.addUsers(3);
    const acme = clerkApi.addOrganization({ name: "Acme", slug: "acme" });
    const globex = clerkApi.addOrganization({ name: "Globex", slug: "globex" });
    clerkApi.addMembership(acme.id, ada.id, "org:admin");
    const bobAtAcme = clerkApi.addMembership(acme.id, bob.id);
    const cyAtAcme = clerkApi.addMembership(acme.id, cy.id);
    const bobAtGlobex = clerkApi.addMembership(globex.id, bob.id, "org:admin");
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({ status: "done", counts: { organizationsSeen: 2, membershipsSeen: 4 } });
    await t.run((ctx) => ctx.db.insert("projects", { orgId: globex.id, name: "Plan", createdBy: bob.id }));

    // Gone from Clerk with no webhook delivered: Globex (and, with it, its membership) and two of Acme's members.
    clerkApi.deleteOrganization(globex.id);
    clerkApi.memberships.delete(bobAtAcme.id);
    clerkApi.memberships.delete(cyAtAcme.id);
    vi.advanceTimersByTime(60 * 60 * 1000);
    const before = clerkApi.requests.length;
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { organizationsDeleted: 1, membershipsDeleted: 2, deleted: 0, organizationsSeen: 1, membershipsSeen: 1 },
    });
    const orgs = await inComponent(t, (ctx) => ctx.db.query("organizations").collect());
    expect(orgs.map((o) => o.orgId)).toEqual([acme.id]);
    const memberships = await inComponent(t, (ctx) => ctx.db.query("memberships").collect());
    expect(memberships.map((m) => [m.orgId, m.clerkId])).toEqual([[acme.id, ada.id]]);
    const tombstones = await inComponent(t, (ctx) => ctx.db.query("tombstones").collect());
    // Globex's membership went with Globex, and is tombstoned too.
    const tombstoned = [bobAtAcme.id, cyAtAcme.id, globex.id, bobAtGlobex.id];
    expect(tombstones.map((row) => row.objectId).sort()).toEqual(tombstoned.sort());
    // The organization hook ran: Globex's projects went with it.
    expect(await t.run((ctx) => ctx.db.query("projects").collect())).toEqual([]);
    // Confirmed with Clerk: Globex by id, Acme's two missing members in one request.
    const paths = clerkApi.requests.slice(before).map((r) => decodeURIComponent(r.path));
    expect(paths.filter((path) => path === `/v1/organizations/${globex.id}`)).toHaveLength(1);
    const confirm = paths.filter((path) => path.startsWith(`/v1/organizations/${acme.id}/memberships`));
    expect(confirm).toHaveLength(1);
    expect(confirm[0]).toContain(`user_id=${bob.id}`);
    expect(confirm[0]).toContain(`user_id=${cy.id}`);
  });

  test("organizations deleted mid-run shift Clerk's offset list: the run reads back and skips nobody", async () => {
    const t = initConvexTest();
    const orgs = Array.from({ length: 8 }, (_, i) => clerkApi.addOrganization({ name: `Org ${i}` }));
    await startWithPageSize(t, 3);
    let deleted = false;
    const done = await drain(t, async (s) => {
      if (s.phase === "organizations" && s.counts.organizationsSeen === 3 && !deleted) {
        deleted = true; // the whole first page goes
        for (const org of orgs.slice(0, 3)) {
          clerkApi.deleteOrganization(org.id);
          await deliver(t, organizationDeleted(org.id));
        }
      }
    });
    expect(deleted).toBe(true);
    // Each page re-reads the previous page's last two. At offset 1 the list had shifted by three:
    // none of those two came back and the page began after them, so the run read from 0 again.
    expect(done).toMatchObject({ status: "done", counts: { organizationsSeen: 8, rewinds: 1 } });
    const offsets = clerkApi.requests
      .filter((r) => r.path.startsWith("/v1/organizations?"))
      .map((r) => new URL(r.path, clerkApi.url).searchParams.get("offset") ?? "0"); // @clerk/backend omits 0
    expect(offsets).toEqual(["0", "1", "0", "1", "2", "3"]);
    const stored = await inComponent(t, (ctx) => ctx.db.query("organizations").collect());
    expect(stored.map((o) => o.orgId).sort()).toEqual(
      orgs
        .slice(3)
        .map((o) => o.id)
        .sort(),
    );
  });
});

describe("syncCurrentUser: the sign-up race", () => {
  test("fetches the signed-in user from Clerk when the webhook has not landed, stores it once", async () => {
    const t = initConvexTest();
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
    const t = initConvexTest();
    expect(await t.action(api.users.ensureMe, {})).toBeNull();
    expect(await t.withIdentity({ issuer: ISSUER, subject: "user_unknown" }).action(api.users.ensureMe, {})).toBeNull();
    expect(clerkApi.requests.map((r) => r.path)).toEqual(["/v1/users/user_unknown"]);
  });
});

describe("backfill of roles, permissions and Clerk Billing", () => {
  const roleRows = (t: TestApp) =>
    inComponent(t, async (ctx) => ({
      roles: await ctx.db.query("roles").collect(),
      permissions: await ctx.db.query("permissions").collect(),
    }));

  test("roles and permissions after the memberships: effective permissions follow them; a second pass changes nothing", async () => {
    const t = initConvexTest();
    const [ada] = clerkApi.addUsers(1);
    const acme = clerkApi.addOrganization({ name: "Acme", slug: "acme" });
    const create = clerkApi.addPermission({ key: "org:posts:create", name: "Create posts" });
    const remove = clerkApi.addPermission({ key: "org:posts:delete", name: "Delete posts" });
    clerkApi.addPermission({ key: "org:reports:read", name: "Read reports", type: "system" });
    clerkApi.addRole("org:editor", [create, remove]);
    // The membership carried nothing: only the synced role grants Ada anything.
    clerkApi.addMembership(acme.id, ada.id, "org:editor", { permissions: [] });

    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { membershipsSeen: 1, permissionsSeen: 3, rolesSeen: 1, rolesDeleted: 0, permissionsDeleted: 0 },
    });
    const membership = await t.query(async (ctx) => clerk.getMembership(ctx, { orgId: acme.id, clerkId: ada.id }));
    expect(membership?.permissions.sort()).toEqual(["org:posts:create", "org:posts:delete"]);
    expect(await t.query(async (ctx) => clerk.getRole(ctx, "org:editor"))).toMatchObject({
      name: "org:editor",
      permissions: [
        { permissionId: create.id, key: "org:posts:create" },
        { permissionId: remove.id, key: "org:posts:delete" },
      ],
    });
    const reports = (await roleRows(t)).permissions.find((p) => p.key === "org:reports:read");
    expect(reports).toMatchObject({ name: "Read reports", type: "system" });
    const lists = clerkApi.requests.map((r) => decodeURIComponent(r.path));
    expect(lists.filter((path) => path.startsWith("/v1/organization_roles?"))).toEqual([
      "/v1/organization_roles?limit=50&offset=0&order_by=+created_at",
    ]);
    expect(lists.filter((path) => path.startsWith("/v1/organization_permissions?"))).toHaveLength(1);

    const before = await roleRows(t);
    vi.advanceTimersByTime(60 * 60 * 1000);
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { permissionsSeen: 3, rolesSeen: 1, rolesDeleted: 0, permissionsDeleted: 0 },
    });
    expect(await roleRows(t)).toEqual(before);
  });

  test("a full pass deletes the roles and permissions Clerk no longer has; a tombstoned role stays deleted", async () => {
    const t = initConvexTest();
    const [ada] = clerkApi.addUsers(1);
    const acme = clerkApi.addOrganization({ name: "Acme" });
    const read = clerkApi.addPermission({ key: "org:posts:read" });
    const legacy = clerkApi.addPermission({ key: "org:legacy:use" });
    clerkApi.addRole("org:viewer", [read]);
    const retired = clerkApi.addRole("org:retired", [legacy]);
    const removed = clerkApi.addRole("org:removed", [read]);
    clerkApi.addMembership(acme.id, ada.id, "org:removed", { permissions: ["org:carried:only"] });
    // Clerk's role.deleted arrived, but Clerk's list still has the role (it lags, or it was read first).
    await deliver(t, roleDeleted(removed.id));

    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({ status: "done", counts: { rolesSeen: 3, rolesDeleted: 0 } });
    expect(await t.query(async (ctx) => clerk.getRole(ctx, "org:removed"))).toBeNull();
    expect((await roleRows(t)).roles.map((r) => r.key).sort()).toEqual(["org:retired", "org:viewer"]);
    // With its role deleted, the membership falls back to what it carried.
    const membership = await t.query(async (ctx) => clerk.getMembership(ctx, { orgId: acme.id, clerkId: ada.id }));
    expect(membership?.permissions).toEqual(["org:carried:only"]);

    // Gone from Clerk with no webhook delivered.
    clerkApi.roles.delete(retired.id);
    clerkApi.permissions.delete(legacy.id);
    vi.advanceTimersByTime(60 * 60 * 1000);
    const before = clerkApi.requests.length;
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { rolesSeen: 2, permissionsSeen: 1, rolesDeleted: 1, permissionsDeleted: 1 },
    });
    const { roles, permissions } = await roleRows(t);
    expect(roles.map((r) => r.key)).toEqual(["org:viewer"]);
    expect(permissions.map((p) => p.key)).toEqual(["org:posts:read"]);
    const tombstones = await inComponent(t, (ctx) => ctx.db.query("tombstones").collect());
    expect(tombstones.map((row) => row.objectId).sort()).toEqual([legacy.id, removed.id, retired.id].sort());
    // Each confirmed with Clerk first; the tombstoned role is no candidate.
    const paths = clerkApi.requests.slice(before).map((r) => r.path);
    expect(paths.filter((path) => /^\/v1\/organization_(roles|permissions)\/[^?]/.test(path)).sort()).toEqual(
      [`/v1/organization_permissions/${legacy.id}`, `/v1/organization_roles/${retired.id}`].sort(),
    );
  });

  test("billing: plans' features and every subscription item, free ones included; a second pass changes nothing", async () => {
    const t = convexTest(schema, {
      ...modules,
      "../example/convex/billingBackfill.ts": () => import("./support/billingBackfill"),
    });
    clerkTest.register(t);
    const app = t as unknown as TestApp;
    const start = makeFunctionReference<"mutation">("billingBackfill:start");
    clerkApi.addPlan("free", ["basic"], true);
    clerkApi.addPlan("pro", ["export", "api"]);
    clerkApi.addPlan("team", ["seats"]);
    const ada = "user_ada";
    const bob = "user_bob";
    const acme = "org_acme";
    clerkApi.addSubscriptionItem("team", { userId: ada }, { status: "ended" });
    clerkApi.addSubscriptionItem("pro", { userId: ada });
    clerkApi.addSubscriptionItem("free", { userId: bob });
    const acmeTeam = clerkApi.addSubscriptionItem("team", { orgId: acme });
    // A webhook already stored Acme's item, without its plan's features (webhooks never list them).
    await deliver(app, subscriptionItemEvent("active", { ...acmeTeam, plan: "team", payer: { orgId: acme } }));
    expect(await t.query(async (ctx) => clerk.hasFeature(ctx, { orgId: acme }, "seats"))).toBe(false);

    await t.mutation(start, {});
    expect(await drain(app)).toMatchObject({
      status: "done",
      billing: true,
      counts: { plansSeen: 3, subscriptionItemsSeen: 4 },
    });
    const answers = await t.query(async (ctx) => ({
      adaPro: await clerk.hasPlan(ctx, { userId: ada }, "pro"),
      adaExport: await clerk.hasFeature(ctx, { userId: ada }, "export"),
      adaSeats: await clerk.hasFeature(ctx, { userId: ada }, "seats"), // her team item ended
      bobFree: await clerk.hasPlan(ctx, { userId: bob }, "free"),
      bobBasic: await clerk.hasFeature(ctx, { userId: bob }, "basic"),
      acmeTeam: await clerk.hasPlan(ctx, { orgId: acme }, "team"),
      acmeSeats: await clerk.hasFeature(ctx, { orgId: acme }, "seats"),
      acmeExport: await clerk.hasFeature(ctx, { orgId: acme }, "export"),
    }));
    expect(answers).toEqual({
      adaPro: true,
      adaExport: true,
      adaSeats: false,
      bobFree: true,
      bobBasic: true,
      acmeTeam: true,
      acmeSeats: true,
      acmeExport: false,
    });
    const items = clerkApi.requests.filter((r) => r.path.startsWith("/v1/billing/subscription_items?"));
    expect(items.map((r) => new URL(r.path, clerkApi.url).searchParams.get("include_free"))).toEqual(["true"]);

    const stored = () => inComponent(app, (ctx) => ctx.db.query("subscriptionItems").collect());
    const before = await stored();
    expect(before).toHaveLength(4);
    vi.advanceTimersByTime(60 * 60 * 1000);
    await t.mutation(start, {});
    expect(await drain(app)).toMatchObject({ status: "done", counts: { plansSeen: 3, subscriptionItemsSeen: 4 } });
    expect(await stored()).toEqual(before);
  });
});
