// @vitest-environment node
// Two rows of the tutorial's users table for one Clerk id: the package's deliveries apply to the
// component and leave both rows as they are, naming them; docs/migrating.md's duplicateUsers.ts
// finds and merges them, and the next delivery writes the one row left.
import { beforeEach, expect, test, vi } from "vitest";
import { userCreated, userUpdated } from "convex-clerk-sync/test";
import { components, internal } from "./after/convex/_generated/api";
import { deliver, initMigrationApp } from "./deployments";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
});

test("duplicate rows: the change is the component's, the rows stay until merged, and find and merge leave one", async () => {
  const { t, push } = initMigrationApp();
  const ada = { id: "user_ada", first_name: "Ada", last_name: "Lovelace" };
  // The old code stored Ada twice (two deliveries racing), and the app referred to both rows.
  expect((await deliver(t, userCreated({ ...ada, updated_at: 1_000 }))).status).toBe(200);
  await t.run(async (ctx) => {
    const userId = await ctx.db.insert("users", { externalId: "user_ada", name: "Ada Lovelace", bio: "Engines" });
    await ctx.db.insert("messages", { body: "Hello", userId });
  });
  const rows = () => t.run((ctx) => ctx.db.query("users").collect());
  const [first, second] = await rows();
  const before = await rows();
  push("after");

  const renamed = await deliver(t, userUpdated({ ...ada, first_name: "Augusta Ada", updated_at: 2_000 }));
  expect(renamed).toMatchObject({ status: 200, body: { outcome: "inserted" } });
  expect(await t.query(components.clerk.users.get, { clerkId: "user_ada" })).toMatchObject({
    firstName: "Augusta Ada",
  });
  expect(await rows()).toEqual(before);
  const [failure] = (await t.query(components.clerk.syncStatus.get, {})).recentFailures;
  expect(failure).toMatchObject({ svixId: renamed.svixId, reason: "mirror_duplicate_rows" });
  expect(failure?.detail).toContain(first!._id);
  expect(failure?.detail).toContain(second!._id);

  const found = await t.query(internal.duplicateUsers.find, {});
  expect(found).toMatchObject({ isDone: true, duplicates: [{ externalId: "user_ada", rows: before }] });
  await t.mutation(internal.duplicateUsers.merge, { keep: first!._id, drop: [second!._id] });
  expect(await rows()).toMatchObject([{ _id: first!._id, bio: "Engines" }]);
  expect(await t.run((ctx) => ctx.db.query("messages").collect())).toMatchObject([{ userId: first!._id }]);
  expect(await t.query(internal.duplicateUsers.find, {})).toMatchObject({ duplicates: [] });

  await deliver(t, userUpdated({ ...ada, first_name: "Augusta Ada", last_name: "King", updated_at: 3_000 }));
  expect(await rows()).toMatchObject([{ _id: first!._id, name: "Augusta Ada King", bio: "Engines" }]);
});
