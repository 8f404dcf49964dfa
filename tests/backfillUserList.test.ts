// @vitest-environment node
// How a pass reads Clerk's user list. A full pass reads it to its end: a page that comes back
// short, a stale cursor answered `200 []`, and users created and deleted under the run never
// end it early, and a list Clerk keeps short of its count ends the run `incomplete`, saying so.
// An incremental pass reads the users changed since the last completed pass (the watermark).
import { describe, expect, test, vi } from "vitest";
import { ClerkSync } from "convex-clerk-sync";
import { userCreated, userDeleted } from "convex-clerk-sync/test";
import { components, internal } from "../example/convex/_generated/api";
import {
  clerkApi,
  drain,
  getUser,
  restartStandIn,
  runNextStep,
  startUsersBackfill,
  startWithPageSize,
  initUsersBackfillApp,
  status,
  storedUsers,
  useClerkApiStandIn,
  userListRequests,
} from "./backfillSetup";
import { deliver, inComponent, initConvexTest, type TestApp } from "./setup";

useClerkApiStandIn();
const clerk = new ClerkSync(components.clerk);

/** Every user Clerk has now is stored, and no other. */
async function expectEveryUserStored(t: TestApp) {
  const stored = (await storedUsers(t)).map((user) => user.clerkId).sort();
  expect(stored).toEqual([...clerkApi.users.keys()].sort());
}

describe("a full pass reads Clerk's user list to its end", () => {
  test("a page shorter than asked for mid-list: the pass reads on from the cursor's created_at", async () => {
    const t = initUsersBackfillApp();
    const all = clerkApi.addUsers(20);
    await startWithPageSize(t, 5);
    let shortened = false;
    const done = await drain(t, async (s) => {
      if (s.counts.pages === 1 && !shortened) {
        shortened = true;
        clerkApi.shortenNext(1, 2); // the second page answers 2 users of 5, as if the list ended
      }
    });
    expect(shortened).toBe(true);
    expect(done).toMatchObject({
      status: "done",
      lastError: null,
      shortfalls: [],
      clerkTotal: 20,
      counts: { rewinds: 1, byKind: { users: { seen: 20, inserted: 20 } } },
    });
    await expectEveryUserStored(t);
    // The re-read started at the last user read (the short page's second).
    expect(
      userListRequests().filter((path) => path.includes(`created_at_after=${all[6]!.created_at - 1}`)),
    ).toHaveLength(1);
  });

  test("`200 []` for a cursor whose user was deleted: the pass reads on from its created_at", async () => {
    await restartStandIn({ staleCursor: "empty" });
    const t = initUsersBackfillApp();
    const all = clerkApi.addUsers(12);
    await startWithPageSize(t, 5);
    let deleted = false;
    const done = await drain(t, async (s) => {
      if (s.counts.pages === 1 && !deleted) {
        deleted = true; // the cursor's own user
        clerkApi.users.delete(all[4]!.id);
        await deliver(t, userDeleted(all[4]!.id));
      }
    });
    expect(deleted).toBe(true);
    expect(done).toMatchObject({
      status: "done",
      lastError: null,
      counts: { rewinds: 1, byKind: { users: { seen: 12 } } },
    });
    await expectEveryUserStored(t);
  });

  test("users created and deleted while the pass runs, the cursor's own among them: every user Clerk has at the end is stored", async () => {
    await restartStandIn({ staleCursor: "empty" });
    const t = initUsersBackfillApp();
    const all = clerkApi.addUsers(9);
    const signUp = async (count: number) => {
      for (const user of clerkApi.addUsers(count, () => ({ created_at: Date.now(), updated_at: Date.now() }))) {
        await deliver(t, userCreated({ ...user, id: user.id }));
      }
    };
    const remove = async (index: number) => {
      clerkApi.users.delete(all[index]!.id);
      await deliver(t, userDeleted(all[index]!.id));
    };
    await startWithPageSize(t, 4);
    const changes = new Map<number, () => Promise<void>>([
      // The cursor's own user and one the pass has not reached are deleted; three sign up.
      [1, async () => (await remove(3), await remove(5), await signUp(3))],
      // One the pass already stored is deleted; one more signs up.
      [2, async () => (await remove(0), await signUp(1))],
    ]);
    const done = await drain(t, async (s) => {
      await changes.get(s.counts.pages)?.();
      changes.delete(s.counts.pages);
    });
    expect(changes.size).toBe(0);
    expect(done).toMatchObject({ status: "done", lastError: null, shortfalls: [] });
    await expectEveryUserStored(t);
  });
});

describe("a list Clerk keeps short of its count", () => {
  test("the pass ends incomplete, says so in its status and the sync status, and keeps the watermark", async () => {
    const t = initUsersBackfillApp();
    const all = clerkApi.addUsers(20);
    for (const user of all.slice(15)) clerkApi.hidden.add(user.id); // counted, never listed
    await startWithPageSize(t, 5);
    const done = await drain(t);
    expect(done).toMatchObject({
      status: "incomplete",
      clerkTotal: 20,
      shortfalls: [{ kind: "users", seen: 15, clerkTotal: 20 }],
      lastError: "Clerk's list ended short of its count even when read again (users: saw 15 of 20)",
      counts: { rewinds: 1, byKind: { users: { seen: 15, inserted: 15 } } },
    });
    // The rest of the pass ran: reconciliation included.
    expect(done?.phase).toBe("reconcileUsers");
    expect(await t.query(internal.backfill.watermark, {})).toBeNull();
    expect((await t.query(async (ctx) => clerk.getSyncStatus(ctx))).backfill).toMatchObject({
      runId: done!.runId,
      status: "incomplete",
      shortfalls: [{ kind: "users", seen: 15, clerkTotal: 20 }],
    });
    // An incremental start has no completed pass to start from: it runs a full pass again.
    expect((await startUsersBackfill(t, "incremental")).run.mode).toBe("full");
  });

  test("an organization page short of the list's total_count is read on from; one that stays short is reported", async () => {
    const t = initConvexTest();
    for (let i = 0; i < 7; i++) clerkApi.addOrganization({ name: `Org ${i}` });
    await startWithPageSize(t, 3, "full", "example");
    let shortened = false;
    const done = await drain(t, async (s) => {
      if (s.phase === "organizations" && !shortened) {
        shortened = true;
        clerkApi.shortenNext(1, 1, "/v1/organizations");
      }
    });
    expect(done).toMatchObject({ status: "done", shortfalls: [], counts: { byKind: { organizations: { seen: 7 } } } });

    clerkApi.shortenNext(100, 2, "/v1/organizations");
    await startWithPageSize(t, 3, "full", "example");
    expect(await drain(t)).toMatchObject({
      status: "incomplete",
      shortfalls: [{ kind: "organizations", seen: 2, clerkTotal: 7 }],
    });
  });
});

describe("incremental passes", () => {
  /** A full pass over `count` users, then an hour later. */
  async function afterFullPass(t: TestApp, count: number) {
    const existing = clerkApi.addUsers(count);
    await startUsersBackfill(t, "full");
    const full = await drain(t);
    expect(full).toMatchObject({ status: "done", mode: "full", counts: { byKind: { users: { inserted: count } } } });
    vi.advanceTimersByTime(60 * 60 * 1000);
    return { existing, full: full! };
  }
  const watermark = (t: TestApp) => t.query(internal.backfill.watermark, {});

  test("without a completed pass, an incremental start runs a full pass", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(3);
    expect(await watermark(t)).toBeNull();
    const { run } = await startUsersBackfill(t, "incremental");
    expect(run).toMatchObject({ mode: "full", updatedSince: null });
    expect(await drain(t)).toMatchObject({ status: "done", counts: { byKind: { users: { inserted: 3 } } } });
    expect(await watermark(t)).toEqual({ updatedSince: run.startedAt - 5 * 60 * 1000, runId: run.runId, mode: "full" });
  });

  test("only the users changed since the last completed pass are fetched; the watermark advances", async () => {
    const t = initUsersBackfillApp();
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
      counts: {
        pages: 5,
        requests: 5,
        rewinds: 0,
        byKind: { users: { seen: 5, inserted: 2, updated: 3, unchanged: 0, deleted: 0 } },
      },
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
    await startUsersBackfill(t, "incremental");
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { pages: 1, requests: 1, byKind: { users: { seen: 0 } } },
    });
  });

  test("a pass that does not complete leaves the watermark where it was", async () => {
    const t = initUsersBackfillApp();
    const { existing } = await afterFullPass(t, 5);
    const before = await watermark(t);
    clerkApi.updateUser(existing[1].id, { first_name: "Later" });

    await startUsersBackfill(t, "incremental");
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
    const { run } = await startUsersBackfill(t, "incremental");
    expect(run.updatedSince).toBe(before!.updatedSince);
    expect(await drain(t)).toMatchObject({ status: "done", counts: { byKind: { users: { seen: 1, updated: 1 } } } });
    expect(await getUser(t, existing[1].id)).toMatchObject({ firstName: "Later" });
  });

  test("users deleted mid-pass shift the list: the pass reads back and skips nobody", async () => {
    const t = initUsersBackfillApp();
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
    expect(done).toMatchObject({ status: "done", counts: { rewinds: 1, byKind: { users: { seen: 6, updated: 6 } } } });
    for (const user of [d, e, f]) expect(await getUser(t, user.id)).toMatchObject({ lastName: "New" });
    const offsets = userListRequests()
      .slice(-4)
      .map((path) => new URL(path, clerkApi.url).searchParams.get("offset"));
    expect(offsets).toEqual(["0", "1", "0", "1"]);
  });

  test("a full start takes over from a running incremental pass", async () => {
    const t = initUsersBackfillApp();
    await afterFullPass(t, 3);
    const incremental = await startUsersBackfill(t, "incremental");
    expect(await startUsersBackfill(t, "incremental")).toMatchObject({ started: false });
    const full = await startUsersBackfill(t, "full");
    expect(full).toMatchObject({ started: true, run: { mode: "full" } });
    const superseded = await inComponent(t, (ctx) =>
      ctx.db.get(ctx.db.normalizeId("backfillRuns", incremental.run.runId)!),
    );
    expect(superseded).toMatchObject({
      status: "canceled",
      lastError: "superseded by a full pass",
    });
    expect(await startUsersBackfill(t, "full")).toMatchObject({ started: false });
    expect(await drain(t)).toMatchObject({
      status: "done",
      mode: "full",
      counts: { byKind: { users: { unchanged: 3 } } },
    });
  });
});
