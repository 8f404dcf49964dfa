// @vitest-environment node
// Incremental passes: the users Clerk changed since the last completed pass, and the watermark.
import { describe, expect, test, vi } from "vitest";
import { internal } from "../example/convex/_generated/api";
import {
  clerkApi,
  drain,
  getUser,
  runNextStep,
  startWithPageSize,
  status,
  useClerkApiStandIn,
  userListRequests,
} from "./backfillSetup";
import { inComponent, initConvexTest, type TestApp } from "./setup";

useClerkApiStandIn();

describe("incremental passes", () => {
  /** A full pass over `count` users, then an hour later. */
  async function afterFullPass(t: TestApp, count: number) {
    const existing = clerkApi.addUsers(count);
    await t.mutation(internal.backfill.start, { mode: "full" });
    const full = await drain(t);
    expect(full).toMatchObject({ status: "done", mode: "full", counts: { byKind: { users: { inserted: count } } } });
    vi.advanceTimersByTime(60 * 60 * 1000);
    return { existing, full: full! };
  }
  const watermark = (t: TestApp) => t.query(internal.backfill.watermark, {});

  test("without a completed pass, an incremental start runs a full pass", async () => {
    const t = initConvexTest();
    clerkApi.addUsers(3);
    expect(await watermark(t)).toBeNull();
    const { run } = await t.mutation(internal.backfill.start, { mode: "incremental" });
    expect(run).toMatchObject({ mode: "full", updatedSince: null });
    expect(await drain(t)).toMatchObject({ status: "done", counts: { byKind: { users: { inserted: 3 } } } });
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
    await t.mutation(internal.backfill.start, { mode: "incremental" });
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { pages: 1, requests: 1, byKind: { users: { seen: 0 } } },
    });
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
    expect(await drain(t)).toMatchObject({ status: "done", counts: { byKind: { users: { seen: 1, updated: 1 } } } });
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
    expect(done).toMatchObject({ status: "done", counts: { rewinds: 1, byKind: { users: { seen: 6, updated: 6 } } } });
    for (const user of [d, e, f]) expect(await getUser(t, user.id)).toMatchObject({ lastName: "New" });
    const offsets = userListRequests()
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
    expect(await drain(t)).toMatchObject({
      status: "done",
      mode: "full",
      counts: { byKind: { users: { unchanged: 3 } } },
    });
  });
});
