import { describe, expect, test, vi } from "vitest";
import { ConvexError } from "convex/values";
import { makeFunctionReference, type CronJob } from "convex/server";
import componentCrons from "../src/component/crons";
import { ClerkSync } from "convex-clerk-sync";
import { userCreated, userDeleted } from "convex-clerk-sync/test";
import { api, components } from "../example/convex/_generated/api";
import { deliver, inComponent, initConvexTest, type TestApp, ISSUER } from "./setup";

const clerk = new ClerkSync(components.clerk);

describe("ClerkSync from host functions", () => {
  test("getUser, getUserByEmail (case-insensitive) from a query, a mutation and an action", async () => {
    const t = initConvexTest();
    await deliver(
      t,
      userCreated({ id: "user_ada", email: "Ada.Lovelace@Example.org", first_name: "Ada", last_name: null }),
    );
    const fromQuery = await t.query(async (ctx) => (await clerk.getUser(ctx, "user_ada"))?.name);
    const fromMutation = await t.mutation(
      async (ctx) => (await clerk.getUserByEmail(ctx, "ada.lovelace@example.ORG"))?.clerkId,
    );
    const fromAction = await t.action(
      async (ctx) => (await clerk.getUserByEmail(ctx, " ADA.LOVELACE@EXAMPLE.ORG "))?.email,
    );
    expect([fromQuery, fromMutation, fromAction]).toEqual(["Ada", "user_ada", "Ada.Lovelace@Example.org"]);
    expect(await t.query(async (ctx) => clerk.getUser(ctx, "user_nobody"))).toBeNull();
    const asAda = t.withIdentity({ issuer: ISSUER, subject: "user_ada" });
    expect(await asAda.mutation(api.users.findByEmail, { email: "nobody@example.org" })).toBeNull();
    expect(await asAda.mutation(api.users.findByEmail, { email: "ADA.LOVELACE@example.org" })).toEqual({
      clerkId: "user_ada",
      name: "Ada",
      username: null,
      imageUrl: "https://img.clerk.com/xxxxxx",
    });
  });

  test("getUserByExternalId finds a user by Clerk's external_id; locked is kept as Clerk sends it", async () => {
    const t = initConvexTest();
    await deliver(t, userCreated({ id: "user_ext", external_id: "crm-42", locked: true } as never));
    await deliver(t, userCreated({ id: "user_other", external_id: "crm-43" }));
    expect(await t.query(async (ctx) => clerk.getUserByExternalId(ctx, "crm-42"))).toMatchObject({
      clerkId: "user_ext",
      externalId: "crm-42",
      locked: true,
    });
    expect((await t.query(async (ctx) => clerk.getUserByExternalId(ctx, "crm-43")))?.locked).toBe(false);
    expect(await t.query(async (ctx) => clerk.getUserByExternalId(ctx, "crm-44"))).toBeNull();
  });

  test("listUsers pages through every user exactly once", async () => {
    const t = initConvexTest();
    const ids = Array.from({ length: 7 }, (_, i) => `user_${i}`);
    for (const id of ids) await deliver(t, userCreated({ id }));
    const asUser = t.withIdentity({ issuer: ISSUER, subject: "user_0" });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const result: { page: { clerkId: string }[]; isDone: boolean; continueCursor: string } = await asUser.query(
        api.users.directory,
        { paginationOpts: { numItems: 3, cursor } },
      );
      seen.push(...result.page.map((u) => u.clerkId));
      pages++;
      if (result.isDone) break;
      cursor = result.continueCursor;
    }
    expect(seen.sort()).toEqual(ids);
    expect(pages).toBe(3);
  });

  test("getCurrentUser: null when signed out, null before the webhook, the user after", async () => {
    const t = initConvexTest();
    const ada = t.withIdentity({ issuer: ISSUER, subject: "user_me" });
    expect(await t.query(api.users.me, {})).toBeNull();
    expect(await ada.query(api.users.me, {})).toBeNull();
    await deliver(
      t,
      userCreated({ id: "user_me", first_name: "Ada", last_name: null, public_metadata: { role: "admin" } }),
    );
    expect(await ada.query(api.users.me, {})).toMatchObject({ clerkId: "user_me", name: "Ada", role: "admin" });
    expect(await ada.action(async (ctx) => (await clerk.getCurrentUser(ctx))?.clerkId)).toBe("user_me");
  });

  test("requireCurrentUser throws ConvexErrors with a code", async () => {
    const t = initConvexTest();
    const errorOf = async (run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        return error instanceof ConvexError ? error.data : error;
      }
      throw new Error("expected a throw");
    };
    expect(await errorOf(() => t.mutation(api.notes.add, { text: "hi" }))).toMatchObject({ code: "UNAUTHENTICATED" });
    const ada = t.withIdentity({ issuer: ISSUER, subject: "user_me" });
    expect(await errorOf(() => ada.mutation(api.notes.add, { text: "hi" }))).toMatchObject({ code: "USER_NOT_SYNCED" });
    await deliver(t, userCreated({ id: "user_me", first_name: "Ada", last_name: null }));
    await ada.mutation(api.notes.add, { text: "hi" });
    expect(await ada.query(api.notes.byAuthor, { authorId: "user_me" })).toEqual([{ text: "hi", authorName: "Ada" }]);
  });

  test("another user's public profile has no email", async () => {
    const t = initConvexTest();
    await deliver(t, userCreated({ id: "user_other", email: "other@example.org", username: "other" }));
    const profile = await t
      .withIdentity({ issuer: ISSUER, subject: "user_me" })
      .query(api.users.publicProfile, { clerkId: "user_other" });
    expect(profile).toEqual({
      clerkId: "user_other",
      name: "Example Example",
      username: "other",
      imageUrl: "https://img.clerk.com/xxxxxx",
    });
    expect(JSON.stringify(profile)).not.toContain("other@example.org");
  });
});

describe("retention", () => {
  const sweep = (t: TestApp) =>
    inComponent(t, (ctx) => ctx.runMutation(makeFunctionReference<"mutation">("retention:sweep"), {}));

  test("the component's own cron sweeps hourly; deliveries share no retention state", () => {
    const jobs = Object.values((componentCrons as unknown as { crons: Record<string, CronJob> }).crons);
    expect(jobs).toEqual([{ name: "retention:sweep", args: [{}], schedule: { type: "interval", hours: 1 } }]);
  });

  test("dedupe records and tombstones are swept after 30 days, in bounded batches", async () => {
    vi.useFakeTimers();
    const t = initConvexTest();
    const start = Date.now();
    for (let i = 0; i < 3; i++) await deliver(t, userDeleted(`user_gone_${i}`));
    const counts = () =>
      inComponent(t, async (ctx) => ({
        deliveries: (await ctx.db.query("deliveries").collect()).length,
        tombstones: (await ctx.db.query("tombstones").collect()).length,
      }));
    expect(await sweep(t)).toEqual({
      deliveries: 0,
      tombstones: 0,
      failures: 0,
      fallbacks: 0,
      graceStores: 0,
      runs: 0,
    });
    expect(await counts()).toEqual({ deliveries: 3, tombstones: 3 });

    // 600 old dedupe records: more than one sweep batch (500).
    await inComponent(t, async (ctx) => {
      for (let i = 0; i < 600; i++) {
        await ctx.db.insert("deliveries", {
          svixId: `msg_old_${i}`,
          eventType: "user.updated",
          outcome: "updated",
          receivedAt: start,
        });
      }
    });
    vi.setSystemTime(start + 31 * 24 * 60 * 60 * 1000);
    const fresh = await deliver(t, userCreated({ id: "user_fresh" }));
    expect(await sweep(t)).toEqual({
      deliveries: 500,
      tombstones: 3,
      failures: 0,
      fallbacks: 0,
      graceStores: 0,
      runs: 0,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await counts()).toEqual({ deliveries: 1, tombstones: 0 });
    // The record of the fresh delivery is kept: its redelivery is still a duplicate.
    expect((await deliver(t, userCreated({ id: "user_fresh" }), { id: fresh.svixId })).body.outcome).toBe("duplicate");
  });
});
