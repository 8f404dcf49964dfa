// @vitest-environment node
// A pass that ends `done` has seen every user: a page that comes back short, a stale cursor
// answered `200 []`, and users created and deleted under the run never end a list early; a
// list Clerk keeps short of its count ends the run `incomplete`, and says so.
import { describe, expect, test } from "vitest";
import { ClerkSync } from "convex-clerk-sync";
import { userCreated, userDeleted } from "convex-clerk-sync/test";
import { components, internal } from "../example/convex/_generated/api";
import {
  clerkApi,
  drain,
  restartStandIn,
  startWithPageSize,
  storedUsers,
  useClerkApiStandIn,
  userListRequests,
} from "./backfillSetup";
import { deliver, initConvexTest, type TestApp } from "./setup";

useClerkApiStandIn();
const clerk = new ClerkSync(components.clerk);

/** Every user Clerk has now is stored, and no other. */
async function expectEveryUserStored(t: TestApp) {
  const stored = (await storedUsers(t)).map((user) => user.clerkId).sort();
  expect(stored).toEqual([...clerkApi.users.keys()].sort());
}

describe("a full pass reads Clerk's user list to its end", () => {
  test("a page shorter than asked for mid-list: the pass reads on from the cursor's created_at", async () => {
    const t = initConvexTest();
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
    const t = initConvexTest();
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
    const t = initConvexTest();
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
    const t = initConvexTest();
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
    expect(done?.phase).toBe("reconcileRoles");
    expect(await t.query(internal.backfill.watermark, {})).toBeNull();
    expect((await t.query(async (ctx) => clerk.getSyncStatus(ctx))).backfill).toMatchObject({
      runId: done!.runId,
      status: "incomplete",
      shortfalls: [{ kind: "users", seen: 15, clerkTotal: 20 }],
    });
    // An incremental start has no completed pass to start from: it runs a full pass again.
    expect((await t.mutation(internal.backfill.start, { mode: "incremental" })).run.mode).toBe("full");
  });

  test("an organization page short of the list's total_count is read on from; one that stays short is reported", async () => {
    const t = initConvexTest();
    for (let i = 0; i < 7; i++) clerkApi.addOrganization({ name: `Org ${i}` });
    await startWithPageSize(t, 3);
    let shortened = false;
    const done = await drain(t, async (s) => {
      if (s.phase === "organizations" && !shortened) {
        shortened = true;
        clerkApi.shortenNext(1, 1, "/v1/organizations");
      }
    });
    expect(done).toMatchObject({ status: "done", shortfalls: [], counts: { byKind: { organizations: { seen: 7 } } } });

    clerkApi.shortenNext(100, 2, "/v1/organizations");
    await startWithPageSize(t, 3);
    expect(await drain(t)).toMatchObject({
      status: "incomplete",
      shortfalls: [{ kind: "organizations", seen: 2, clerkTotal: 7 }],
    });
  });
});
