// mirrorUsers' delete policies that keep the row (soft-delete, anonymize), an app field's
// default on insert, and the prune, on a host with two mirrored tables (./policies/convex).
/// <reference types="vite/client" />
import { beforeEach, expect, test, vi } from "vitest";
import clerkTest, { signDelivery, userCreated, userDeleted, userUpdated } from "convex-clerk-sync/test";
import { convexTest } from "../support/convexRules";
import { components, internal } from "./policies/convex/_generated/api";
import schema from "./policies/convex/schema";
import { SECRET } from "./deployments";

function initPoliciesApp() {
  process.env.CLERK_WEBHOOK_SECRET = SECRET;
  const app = convexTest(schema, import.meta.glob("./policies/convex/**/*.*s"));
  clerkTest.register(app);
  return app;
}
let t: ReturnType<typeof initPoliciesApp>;

/** The host's `accounts` row for a Clerk user, or null. */
const accountOf = (clerkUserId: string) =>
  t.run((ctx) =>
    ctx.db
      .query("accounts")
      .withIndex("by_clerkUserId", (q) => q.eq("clerkUserId", clerkUserId))
      .unique(),
  );

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
  t = initPoliciesApp();
});

async function deliverSigned(path: "/members" | "/accounts", payload: unknown) {
  const { body, headers } = signDelivery(payload, SECRET);
  const response = await t.fetch(path, { method: "POST", body, headers });
  return { status: response.status, svixId: headers["svix-id"], ...((await response.json()) as { outcome: string }) };
}
async function deliver(path: "/members" | "/accounts", payload: unknown) {
  return (await deliverSigned(path, payload)).outcome;
}
const member = (clerkId: string) =>
  t.run((ctx) =>
    ctx.db
      .query("members")
      .withIndex("by_clerkId", (q) => q.eq("clerkId", clerkId))
      .unique(),
  );
const prune = () => t.mutation(internal.mirrors.pruneMembers, { cursor: null, numItems: 100 });

test("soft-delete: the row and its id stay, marked once; the app's required field gets its default and is never written", async () => {
  const id = "user_soft";
  await deliver("/members", userCreated({ id, first_name: "Ada", last_name: "Lovelace", updated_at: 1 }));
  const inserted = await member(id);
  expect(inserted).toMatchObject({ name: "Ada Lovelace", plan: "free" });
  await t.run((ctx) => ctx.db.patch("members", inserted!._id, { plan: "pro" }));

  await deliver("/members", userUpdated({ id, first_name: "Augusta Ada", last_name: "King", updated_at: 2 }));
  expect(await member(id)).toMatchObject({ _id: inserted!._id, name: "Augusta Ada King", plan: "pro" });

  const deletedAt = Date.parse("2026-01-01T01:00:00Z");
  vi.setSystemTime(deletedAt);
  expect(await deliver("/members", userDeleted(id))).toBe("deleted");
  expect(await member(id)).toMatchObject({ _id: inserted!._id, plan: "pro", deletedAt });

  // The prune finds the deletion again (a tombstone, no stored user): the policy changes nothing.
  vi.setSystemTime(new Date("2026-01-02T00:00:00Z"));
  expect(await prune()).toMatchObject({ pruned: 0, unknown: [], isDone: true });
  expect((await member(id))?.deletedAt).toBe(deletedAt);
});

test("anonymize: the row stays without the user's name or email", async () => {
  const id = "user_anon";
  await deliver("/accounts", userCreated({ id, first_name: "Grace", last_name: "Hopper", email: "grace@example.org" }));
  const account = () => accountOf(id);
  const before = await account();
  expect(before).toMatchObject({ displayName: "Grace Hopper", email: "grace@example.org" });
  await deliver("/accounts", userDeleted(id));
  const after = await account();
  expect(after).toMatchObject({ _id: before!._id, displayName: "Deleted user" });
  expect(after).not.toHaveProperty("email");
});

test("prune: applies the policy to rows of users Clerk deleted while the component did not hold them, reports unknown ones", async () => {
  // Rows a hand-written sync stored; the component never held these users.
  await t.run(async (ctx) => {
    for (const clerkId of ["user_gone", "user_unknown"]) {
      await ctx.db.insert("members", { clerkId, name: clerkId, email: null, plan: "pro" });
    }
  });
  expect(await deliver("/members", userDeleted("user_gone"))).toBe("tombstoned");
  expect(await member("user_gone")).not.toHaveProperty("deletedAt"); // no stored user, so no hook ran

  const prunedAt = Date.parse("2026-01-01T01:00:00Z");
  vi.setSystemTime(prunedAt);
  expect(await prune()).toMatchObject({ pruned: 1, unknown: ["user_unknown"], isDone: true });
  expect(await member("user_gone")).toMatchObject({ plan: "pro", deletedAt: prunedAt });
  expect(await member("user_unknown")).not.toHaveProperty("deletedAt");
  expect(await prune()).toMatchObject({ pruned: 0 });

  // Page by page: each page reports its own rows.
  const first = await t.mutation(internal.mirrors.pruneMembers, { cursor: null, numItems: 1 });
  const second = await t.mutation(internal.mirrors.pruneMembers, { cursor: first.continueCursor, numItems: 1 });
  expect([first.unknown, second.unknown, first.isDone]).toEqual([[], ["user_unknown"], false]);
});

test("adopt: the deletions a soft-deleting table holds become the component's, so a late replay brings no one back", async () => {
  // Rows a hand-written sync stored; it soft-deleted one of them before the switch.
  const deletedAt = Date.parse("2025-12-31T00:00:00Z");
  await t.run(async (ctx) => {
    await ctx.db.insert("members", { clerkId: "user_left", name: "Left", email: null, plan: "pro", deletedAt });
    await ctx.db.insert("members", { clerkId: "user_stays", name: "Stays", email: null, plan: "pro" });
  });
  const adopt = (cursor: string | null) => t.mutation(internal.mirrors.adoptMembers, { cursor, numItems: 1 });
  const first = await adopt(null);
  const second = await adopt(first.continueCursor);
  expect([first.recorded, second.recorded, first.isDone]).toEqual([1, 0, false]);
  expect(await adopt(null)).toMatchObject({ recorded: 0 }); // once

  // Svix retries the user's creation a day later: stale, no user stored, the row untouched.
  const replay = userCreated({ id: "user_left", first_name: "Left", last_name: "Again", updated_at: 1 });
  expect(await deliver("/members", replay)).toBe("stale");
  expect(await t.run((ctx) => ctx.db.query("members").collect())).toMatchObject([
    { clerkId: "user_left", name: "Left", deletedAt },
    { clerkId: "user_stays", name: "Stays" },
  ]);

  // The prune counts the marked row as gone, never as a user it has not heard of.
  expect(await prune()).toMatchObject({ pruned: 0, alreadyDeleted: 1, unknown: ["user_stays"] });
});

test("a late replay of a user whose row the old code marked deleted, before adopt or any pass: stale, tombstoned, the row untouched", async () => {
  // Rows a hand-written sync stored and then deleted, each as its table's policy marks a deletion.
  const deletedAt = Date.parse("2025-12-31T00:00:00Z");
  await t.run(async (ctx) => {
    await ctx.db.insert("members", { clerkId: "user_left", name: "Left", email: null, plan: "pro", deletedAt });
    await ctx.db.insert("accounts", { clerkUserId: "user_erased", displayName: "Deleted user", clerkUpdatedAt: 1 });
  });
  const replay = userCreated({ id: "user_left", first_name: "Left", last_name: "Again", updated_at: 1 });
  expect(await deliverSigned("/members", replay)).toMatchObject({ status: 200, outcome: "stale" });
  expect(await t.query(components.clerk.users.get, { clerkId: "user_left" })).toBeNull();
  expect(await member("user_left")).toMatchObject({ name: "Left", plan: "pro", deletedAt });
  // Tombstoned: a later snapshot of the user is stale too, whatever its updated_at.
  expect(await deliver("/members", userUpdated({ id: "user_left", first_name: "Back", updated_at: 9 }))).toBe("stale");
  expect((await member("user_left"))?.name).toBe("Left");

  const erased = userCreated({ id: "user_erased", first_name: "Grace", email: "grace@example.org", updated_at: 2 });
  expect(await deliver("/accounts", erased)).toBe("stale");
  expect(await accountOf("user_erased")).toMatchObject({ displayName: "Deleted user", clerkUpdatedAt: 1 });
  expect(await accountOf("user_erased")).not.toHaveProperty("email");
  expect(await t.query(components.clerk.users.get, { clerkId: "user_erased" })).toBeNull();
});

test("prune: a row the old code soft-deleted is already gone, not never synced", async () => {
  await t.run((ctx) =>
    ctx.db.insert("members", { clerkId: "user_marked", name: "Marked", email: null, plan: "free", deletedAt: 1 }),
  );
  expect(await prune()).toMatchObject({ pruned: 0, alreadyDeleted: 1, unknown: [] });
});

test("afterDelete: runs with the row once, when the policy changes it", async () => {
  const id = "user_notes";
  await deliver("/members", userCreated({ id, first_name: "Noted", updated_at: 1 }));
  const row = await member(id);
  const note = () => t.run((ctx) => ctx.db.insert("memberNotes", { memberId: row!._id, body: "note" }));
  const notes = () => t.run((ctx) => ctx.db.query("memberNotes").collect());
  await note();
  expect(await deliver("/members", userDeleted(id))).toBe("deleted");
  expect(await notes()).toEqual([]);
  // Already deleted: a prune (the tombstone found again) leaves the app's rows alone.
  await note();
  expect(await prune()).toMatchObject({ pruned: 0 });
  expect(await notes()).toHaveLength(1);
});

test("updatedAtField: a snapshot older than the row's is not written, a newer one is", async () => {
  const id = "user_stamped";
  const account = () => accountOf(id);
  // Stored before the switch, with Clerk's updated_at of what it holds.
  await t.run((ctx) =>
    ctx.db.insert("accounts", { clerkUserId: id, displayName: "Grace Murray Hopper", clerkUpdatedAt: 2_000 }),
  );
  // An older version redelivered after the switch: the component stores it, the row keeps the newer one.
  const older = userCreated({ id, first_name: "Grace", last_name: "Hopper", email: null, updated_at: 1_000 });
  expect(await deliver("/accounts", older)).toBe("inserted");
  expect(await account()).toMatchObject({ displayName: "Grace Murray Hopper", clerkUpdatedAt: 2_000 });
  const newer = userUpdated({ id, first_name: "Grace", last_name: "B. M. Hopper", email: null, updated_at: 3_000 });
  expect(await deliver("/accounts", newer)).toBe("updated");
  expect(await account()).toMatchObject({ displayName: "Grace B. M. Hopper", clerkUpdatedAt: 3_000 });
});

test("duplicate rows: the component's row is applied, the host's rows are left as they are, the refusal names them", async () => {
  const id = "user_twice";
  expect(await deliver("/members", userCreated({ id, first_name: "Ada", updated_at: 1 }))).toBe("inserted");
  // The app inserted a second row for the same Clerk id (a race in its own code).
  await t.run((ctx) => ctx.db.insert("members", { clerkId: id, name: "Ada (2)", email: null, plan: "pro" }));
  const rows = () => t.run((ctx) => ctx.db.query("members").collect());
  const before = await rows();

  const renamed = await deliverSigned("/members", userUpdated({ id, first_name: "Augusta", updated_at: 2 }));
  expect(renamed).toMatchObject({ status: 200, outcome: "updated" });
  expect(await t.query(components.clerk.users.get, { clerkId: id })).toMatchObject({ firstName: "Augusta" });
  expect(await rows()).toEqual(before);
  const { recentFailures } = await t.query(components.clerk.syncStatus.get, {});
  expect(recentFailures).toMatchObject([
    { svixId: renamed.svixId, eventType: "user.updated", reason: "mirror_duplicate_rows", occurrences: 1 },
  ]);
  for (const row of before) expect(recentFailures[0]?.detail).toContain(row._id);

  // A deletion of that user: the component's deletion stands, the rows stay for the app to merge.
  expect(await deliver("/members", userDeleted(id))).toBe("deleted");
  expect(await rows()).toEqual(before);
});
