// @vitest-environment node
// docs/migrating.md, step by step, on the tutorial's app: its users table and every
// Id<"users"> kept, deliveries before, during and after the switch, the backfill and the prune.
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { finishBackfill, userCreated, userDeleted, userUpdated, type UserOverrides } from "convex-clerk-sync/test";
import { startClerkApiStandIn, type ClerkApiStandIn } from "../support/clerkApiStandIn";
import { logs } from "../support/logs";
import { api, components, internal } from "./after/convex/_generated/api";
import { deliver, functionAt, initMigrationApp, type MigrationApp } from "./deployments";

const ISSUER = "https://example.clerk.accounts.dev";
let clerkApi: ClerkApiStandIn;

beforeEach(async () => {
  clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = "sk_test_migration";
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
});
afterEach(async () => {
  await clerkApi.close();
});

/** A user in Clerk (the stand-in), with the delivery Clerk sends for it. */
function clerkCreates(id: string, fields: UserOverrides) {
  const [user] = clerkApi.addUsers(1, () => ({ id, image_url: `https://img.clerk.com/${id}`, ...fields }));
  return userCreated(user as UserOverrides);
}
function clerkUpdates(id: string, fields: UserOverrides) {
  return userUpdated(clerkApi.updateUser(id, fields) as UserOverrides);
}
function clerkDeletes(id: string) {
  clerkApi.users.delete(id);
  return userDeleted(id);
}

const hostUser = (t: MigrationApp, clerkId: string) =>
  t.run((ctx) =>
    ctx.db
      .query("users")
      .withIndex("byExternalId", (q) => q.eq("externalId", clerkId))
      .unique(),
  );
const hostUsers = (t: MigrationApp) => t.run((ctx) => ctx.db.query("users").collect());
const messages = (t: MigrationApp) => t.run((ctx) => ctx.db.query("messages").collect());
const as = (t: MigrationApp, clerkId: string) => t.withIdentity({ subject: clerkId, issuer: ISSUER });

test("the tutorial's app adopts the package: same ids, Clerk's fields current, the app's untouched, nothing twice", async () => {
  const { t, push } = initMigrationApp();

  // Before: the tutorial's code stores users and the app refers to them by Id<"users">.
  const created = {
    ada: clerkCreates("user_ada", { first_name: "Ada", last_name: "Lovelace", updated_at: 1_000 }),
    grace: clerkCreates("user_grace", { first_name: "Grace", last_name: "Hopper", updated_at: 1_000 }),
    ken: clerkCreates("user_ken", { first_name: "Ken", last_name: null, updated_at: 1_000 }),
    edsger: clerkCreates("user_edsger", { first_name: "Edsger", last_name: "Dijkstra", updated_at: 1_000 }),
    frank: clerkCreates("user_frank", { first_name: "Frank", last_name: "Allen", updated_at: 1_000 }),
    alan: clerkCreates("user_alan", { first_name: "Alan", last_name: "Turing", updated_at: 1_000 }),
    linus: clerkCreates("user_linus", { first_name: "Linus", last_name: "Torvalds", updated_at: 1_000 }),
  };
  const oldDeliveries: Record<string, string> = {};
  for (const [name, payload] of Object.entries(created)) {
    const answer = await deliver(t, payload);
    expect(answer.status).toBe(200);
    oldDeliveries[name] = answer.svixId;
  }
  const graceRenamed = clerkUpdates("user_grace", { last_name: "Murray Hopper", updated_at: 2_000 });
  oldDeliveries.graceRenamed = (await deliver(t, graceRenamed)).svixId;
  await deliver(t, clerkUpdates("user_alan", { first_name: "Alan M.", updated_at: 2_000 }));
  // The old code deletes Linus: his row goes.
  expect(await deliver(t, clerkDeletes("user_linus"))).toMatchObject({ status: 200 });
  await as(t, "user_ada").mutation(api.users.setBio, { bio: "Analytical engines" });
  await as(t, "user_ada").mutation(api.messages.send, { body: "Hello" });
  await as(t, "user_grace").mutation(api.messages.send, { body: "Bugs!" });
  // Clerk deletes Frank, but the delivery never reaches the app (the old code misses it).
  clerkApi.users.delete("user_frank");
  const before = await hostUsers(t);
  expect(before.map((u) => u.name).sort()).toEqual([
    "Ada Lovelace",
    "Alan M. Turing",
    "Edsger Dijkstra",
    "Frank Allen",
    "Grace Murray Hopper",
    "Ken null", // the tutorial's `${first_name} ${last_name}`
  ]);
  const idOf = Object.fromEntries(before.map((u) => [u.externalId, u._id]));

  // The switch: one push; the same URL now reaches the package's route.
  push("after");

  // A request of the old code still running when the push lands cannot write: its mutation
  // is gone, it fails, and Svix retries the delivery, which the package applies.
  const signedUp = { created_at: Date.now(), updated_at: Date.now() };
  const inFlight = clerkCreates("user_barbara", { first_name: "Barbara", last_name: "Liskov", ...signedUp });
  await expect(t.mutation(functionAt("users:upsertFromClerk"), { data: inFlight.data })).rejects.toThrow(
    /no such export/,
  );
  expect(await deliver(t, inFlight)).toMatchObject({ status: 200, body: { outcome: "inserted" } });

  // Before the first backfill, users the component does not hold wait for it (answered 200):
  // redeliveries of events the old code applied, and a late retry of Linus's creation, whom the
  // old code deleted. Nothing is written; no row comes back.
  const redelivered = async (payload: unknown, svixId: string | undefined) => (await deliver(t, payload, svixId)).body;
  expect(await redelivered(graceRenamed, oldDeliveries.graceRenamed)).toEqual({ outcome: "held" });
  expect(await redelivered(created.grace, oldDeliveries.grace)).toEqual({ outcome: "held" });
  expect(await redelivered(created.ada, oldDeliveries.ada)).toEqual({ outcome: "held" });
  expect(await deliver(t, created.linus)).toMatchObject({ status: 200, body: { outcome: "held" } });
  expect(await hostUser(t, "user_linus")).toBeNull();
  expect((await hostUser(t, "user_grace"))?.name).toBe("Grace Murray Hopper");
  expect((await messages(t)).map((m) => m.body)).toEqual(["Hello", "Bugs!", "joined the chat"]);
  // Clerk deletes Edsger before the backfill reaches him: the component never held him, no hook runs.
  expect(await deliver(t, clerkDeletes("user_edsger"))).toMatchObject({ body: { outcome: "tombstoned" } });
  expect(await hostUser(t, "user_edsger")).not.toBeNull();

  // The backfill, once; deliveries while it runs.
  expect(await t.mutation(internal.backfill.start, {})).toMatchObject({ started: true });
  await deliver(t, clerkUpdates("user_ada", { first_name: "Augusta Ada", updated_at: 4_000 }));
  // Users the component does not hold yet wait for the pass (Svix retries): a late retry of
  // Linus's creation, and Alan's first version, older than the row the old code stored.
  const lateReplays = { linus: created.linus, alan: created.alan };
  for (const payload of Object.values(lateReplays)) {
    expect(await deliver(t, payload)).toMatchObject({ status: 503, body: { outcome: "deferred" } });
  }
  expect((await hostUser(t, "user_alan"))?.name).toBe("Alan M. Turing");
  expect(await finishBackfill(t, vi)).toMatchObject({ status: "done", lastError: null });
  // Svix's retries after the pass: nothing comes back, nothing older is written.
  for (const payload of Object.values(lateReplays)) {
    expect(await deliver(t, payload)).toMatchObject({ status: 200, body: { outcome: "stale" } });
  }
  expect(await hostUser(t, "user_linus")).toBeNull();
  expect(await t.query(components.clerk.users.get, { clerkId: "user_linus" })).toBeNull();

  // The prune: Edsger's row goes; Frank's, whose deletion Clerk never delivered, is reported and kept.
  expect(await t.action(internal.clerkMigration.pruneUsers, {})).toEqual({ pruned: 1, alreadyDeleted: 0, unknown: 1 });
  expect(logs.filter((line) => line.includes("user_frank was never synced"))).toHaveLength(1);

  // After: every reference intact, Clerk's fields current, the app's own untouched.
  const after = await hostUsers(t);
  expect(after.map((u) => [u.externalId, u.name, u.imageUrl, u.bio]).sort()).toEqual([
    ["user_ada", "Augusta Ada Lovelace", "https://img.clerk.com/user_ada", "Analytical engines"],
    ["user_alan", "Alan M. Turing", "https://img.clerk.com/user_alan", undefined],
    ["user_barbara", "Barbara Liskov", "https://img.clerk.com/user_barbara", undefined],
    ["user_frank", "Frank Allen", undefined, undefined],
    ["user_grace", "Grace Murray Hopper", "https://img.clerk.com/user_grace", undefined],
    ["user_ken", "Ken", "https://img.clerk.com/user_ken", undefined],
  ]);
  for (const name of ["user_ada", "user_grace", "user_ken", "user_frank"]) {
    expect((await hostUser(t, name))?._id).toBe(idOf[name]);
  }
  expect((await t.query(api.messages.list, {})).map((m) => [m.author, m.body])).toEqual([
    ["Augusta Ada Lovelace", "Hello"],
    ["Grace Murray Hopper", "Bugs!"],
    ["Barbara Liskov", "joined the chat"], // the only user new to the app
  ]);
  expect(await as(t, "user_ada").query(api.messages.sentCount, {})).toBe(1);

  // From now on, the package's route alone keeps the table current.
  await deliver(t, clerkUpdates("user_ken", { last_name: "Thompson", updated_at: 5_000 }));
  await as(t, "user_ken").mutation(api.users.setBio, { bio: "Unix" });
  await deliver(t, clerkDeletes("user_grace"));
  expect(await as(t, "user_ken").query(api.users.current, {})).toMatchObject({
    _id: idOf.user_ken,
    name: "Ken Thompson",
    bio: "Unix",
  });
  expect(await hostUser(t, "user_grace")).toBeNull();
  expect((await messages(t)).filter((m) => m.userId === idOf.user_grace)).toHaveLength(1);
  expect((await t.query(api.messages.list, {})).find((m) => m.body === "Bugs!")?.author).toBe("deleted user");
});
