// @vitest-environment node
// The heaviest transactions, run with convex-test's enforcement of Convex's per-transaction
// limits (documents and bytes read and written, database queries, scheduled functions).
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { makeFunctionReference } from "convex/server";
import { clerkUser, organizationDeleted } from "convex-clerk-sync/test";
import { normalizeUser } from "../src/client/normalize";
import { userKind } from "../src/component/users";
import { internal } from "../example/convex/_generated/api";
import { startClerkApiStandIn, type ClerkApiStandIn } from "./support/clerkApiStandIn";
import { deliver, inComponent, initConvexTest, SECRET, type TestApp } from "./setup";

let clerkApi: ClerkApiStandIn;
beforeEach(async () => {
  clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = "sk_test_limits";
  process.env.CLERK_WEBHOOK_SECRET = SECRET;
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
});
afterEach(async () => {
  await clerkApi.close();
});

// initConvexTest runs under the convex-rules layer, which always enforces transaction limits.

/** Run the backfill's scheduled steps until the run ends; answers its final status. */
async function finishBackfill(t: TestApp) {
  for (let i = 0; i < 50; i++) {
    vi.advanceTimersToNextTimer();
    await t.finishInProgressScheduledFunctions();
    const status = await t.query(internal.backfill.status, {});
    if (status?.status !== "running") break;
  }
  return t.query(internal.backfill.status, {});
}

test("full pages of 500 users, organizations and memberships, with hooks, fit in one mutation each", async () => {
  const t = initConvexTest();
  const users = clerkApi.addUsers(500);
  const orgs = Array.from({ length: 5 }, (_, i) => clerkApi.addOrganization({ name: `Org ${i}` }));
  for (const [i, user] of users.entries()) clerkApi.addMembership(orgs[i % 5].id, user.id);
  // Half the users already synced with older data: the page mixes inserts and updates (and hooks of both).
  // And a full reconciliation batch of users Clerk no longer has: deleted in one mutation, with hooks.
  const stored = [
    ...users.slice(0, 250).map((user) => clerkUser({ id: user.id, first_name: "Old", updated_at: 1 })),
    ...Array.from({ length: 100 }, (_, i) => clerkUser({ id: `user_gone_${i}` })),
  ];
  // As webhooks would have left them (without signing 350 deliveries): each user and its profile.
  const records = stored.map((user) => normalizeUser(user));
  await inComponent(t, async (ctx) => {
    for (const record of records) await ctx.db.insert("users", userKind.toRow(record));
  });
  await t.run(async (ctx) => {
    for (const { clerkId, name, imageUrl } of records) {
      await ctx.db.insert("profiles", { clerkId, displayName: name, imageUrl });
    }
  });
  vi.advanceTimersByTime(1_000);
  await t.mutation(internal.backfill.start, {});
  expect(await finishBackfill(t)).toMatchObject({
    status: "done",
    lastError: null,
    counts: {
      byKind: {
        users: { inserted: 250, updated: 250, deleted: 100 },
        organizations: { seen: 5 },
        memberships: { seen: 500 },
      },
    },
  });
  expect(await inComponent(t, async (ctx) => (await ctx.db.query("users").collect()).length)).toBe(500);
  expect(await inComponent(t, async (ctx) => (await ctx.db.query("memberships").collect()).length)).toBe(500);

  // Deleting an organization with 100 members, with hooks, in batches.
  expect((await deliver(t, organizationDeleted(orgs[0].id))).status).toBe(200);
  await t.finishAllScheduledFunctions(() => vi.runAllTimers());
  expect(await inComponent(t, async (ctx) => (await ctx.db.query("memberships").collect()).length)).toBe(400);
}, 120_000);

test("full pages of 500 permissions, of roles with 20 permissions each (none shared within a page), and of 500 subscription items fit in one mutation each", async () => {
  const t = initConvexTest({ "../example/convex/billingBackfill.ts": () => import("./support/billingBackfill") });
  const permissions = Array.from({ length: 1000 }, (_, i) => clerkApi.addPermission({ key: `org:feature${i}:use` }));
  for (let i = 0; i < 100; i++) clerkApi.addRole(`org:role${i}`, permissions.slice((i % 50) * 20, (i % 50) * 20 + 20));
  clerkApi.addPlan("pro", ["export", "api"]);
  for (let i = 0; i < 500; i++) clerkApi.addSubscriptionItem("pro", { userId: `user_${i}` });
  await t.mutation(makeFunctionReference<"mutation">("billingBackfill:start"), {});
  expect(await finishBackfill(t)).toMatchObject({
    status: "done",
    lastError: null,
    counts: {
      byKind: {
        permissions: { seen: 1000 },
        roles: { seen: 100 },
        billingPlans: { seen: 1 },
        subscriptionItems: { seen: 500 },
      },
    },
  });
  expect(await inComponent(t, async (ctx) => (await ctx.db.query("roles").collect()).length)).toBe(100);
  expect(await inComponent(t, async (ctx) => (await ctx.db.query("subscriptionItems").collect()).length)).toBe(500);
}, 120_000);
