import { beforeEach, describe, expect, test, vi } from "vitest";
import { ClerkSync } from "convex-clerk-sync";
import {
  clerkSubscriptionItem,
  organizationDeleted,
  subscriptionEvent,
  subscriptionItemEvent,
  userCreated,
  userDeleted,
} from "convex-clerk-sync/test";
import { components } from "../example/convex/_generated/api";
import subCreated from "./fixtures/openapi-subscription.created.json";
import subPastDue from "./fixtures/openapi-subscription.pastDue.json";
import itemActive from "./fixtures/openapi-subscriptionItem.active.json";
import itemCanceled from "./fixtures/openapi-subscriptionItem.canceled.json";
import itemEnded from "./fixtures/openapi-subscriptionItem.ended.json";
import { failing } from "./support/billingHooks";
import { deliver, inComponent, initConvexTest, type TestApp } from "./setup";

const clerk = new ClerkSync(components.clerk);
const PAYER = "user_34D368EufHwugfYh4yyGNEheM0S";
const SUBSCRIPTION = "csub_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const ITEM = "csub_item_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const DAY = 24 * 60 * 60 * 1000;

const billingOf = (t: TestApp, payer: { userId: string } | { orgId: string }) =>
  t.query(async (ctx) => clerk.getSubscription(ctx, payer));
const outcome = async (t: TestApp, payload: unknown, id?: string) =>
  (await deliver(t, payload, id ? { id } : {})).body.outcome;
const count = (t: TestApp, table: "subscriptions" | "subscriptionItems") =>
  inComponent(t, async (ctx) => (await ctx.db.query(table).collect()).length);

/** The example app with its router swapped for one whose billing hooks record each call. */
const initBillingHooksApp = () =>
  initConvexTest({
    "../example/convex/http.ts": () => import("./support/billingHooks"),
    "../example/convex/billingHooks.ts": () => import("./support/billingHooks"),
  });
const hookCalls = (t: TestApp) =>
  t.run(async (ctx) => (await ctx.db.query("profiles").collect()).map((p) => p.displayName));

beforeEach(() => {
  failing.enabled = false;
});

describe("Clerk's documented billing payloads", () => {
  test("a user's subscription: created, past due, its item canceled then ended", async () => {
    const t = initConvexTest();
    expect(await outcome(t, subCreated)).toBe("inserted");
    // A user payer's `organization_id` is "", not null: the payer is the user.
    expect(await billingOf(t, { userId: PAYER })).toEqual({
      subscription: {
        subscriptionId: SUBSCRIPTION,
        payerId: PAYER,
        payerType: "user",
        status: "active",
        activeAt: 1716883200000,
        pastDueAt: null,
        canceledAt: null,
        endedAt: null,
        createdAt: 1716883200000,
        updatedAt: 1716883200000,
      },
      items: [
        {
          itemId: ITEM,
          subscriptionId: SUBSCRIPTION,
          payerId: PAYER,
          payerType: "user",
          status: "active",
          isFreeTrial: false,
          planId: "cplan_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
          planSlug: "pro-plan",
          planName: "Pro Plan",
          planFeatures: null,
          interval: "month",
          periodStart: 1716883200000,
          periodEnd: 1719561600000,
          createdAt: 1716883200000,
          updatedAt: 1716883200000,
        },
      ],
      plans: ["pro-plan"],
      features: [],
    });

    expect(await outcome(t, subPastDue)).toBe("updated");
    const pastDue = await billingOf(t, { userId: PAYER });
    expect(pastDue).toMatchObject({
      subscription: { status: "past_due", pastDueAt: 1716969600000 },
      plans: ["pro-plan"],
    });
    expect(pastDue?.items.map((item) => item.status)).toEqual(["past_due"]);

    // The documented item is canceled: it counts until Clerk ends it.
    expect(await outcome(t, itemCanceled)).toBe("unchanged"); // same updated_at as the past-due snapshot
    vi.useFakeTimers({ now: 1716969600000 + DAY, toFake: ["Date"] });
    const canceled = {
      id: ITEM,
      plan: "pro-plan",
      status: "canceled",
      updated_at: 1716969600001,
      period_end: 1719561600000,
    };
    expect(await outcome(t, subscriptionItemEvent("canceled", canceled))).toBe("updated");
    expect(await t.query(async (ctx) => clerk.hasPlan(ctx, { userId: PAYER }, "pro-plan"))).toBe(true); // until the period ends
    // The clock alone changes nothing (a query does not re-run as time passes): Clerk's `ended` does.
    vi.setSystemTime(1719561600000 + 1);
    expect(await t.query(async (ctx) => clerk.hasPlan(ctx, { userId: PAYER }, "pro-plan"))).toBe(true);
    vi.useRealTimers();

    expect(await outcome(t, itemEnded)).toBe("updated");
    expect(await t.query(async (ctx) => clerk.hasPlan(ctx, { userId: PAYER }, "pro-plan"))).toBe(false);
    expect(await billingOf(t, { userId: PAYER })).toMatchObject({ items: [], plans: [] });
    // An older snapshot of the item is stale, whatever its event's name.
    expect(await outcome(t, itemActive)).toBe("stale");
  });
});

describe("delivery guarantees for billing", () => {
  test("items are ordered by updated_at, a redelivery is a duplicate, an item event before its subscription counts", async () => {
    const t = initConvexTest();
    const payer = { userId: "user_b" };
    const item = { id: "csub_item_b", plan: "pro", payer, subscription_id: "csub_b" };
    expect(
      await outcome(t, subscriptionItemEvent("canceled", { ...item, status: "canceled", updated_at: 30 }), "msg_c"),
    ).toBe("inserted");
    expect(await outcome(t, subscriptionItemEvent("active", { ...item, updated_at: 10 }))).toBe("stale");
    expect(
      await outcome(t, subscriptionItemEvent("ended", { ...item, status: "ended", updated_at: 40 }), "msg_c"),
    ).toBe("duplicate");
    // The subscription arrives later and carries an older version of the item.
    const subscription = subscriptionEvent("created", {
      id: "csub_b",
      payer,
      updated_at: 5,
      items: [{ id: "csub_item_b", plan: "pro", updated_at: 5 }],
    });
    expect(await outcome(t, subscription)).toBe("inserted");
    expect(await billingOf(t, payer)).toMatchObject({
      subscription: { subscriptionId: "csub_b", status: "active" },
      items: [{ itemId: "csub_item_b", status: "canceled", subscriptionId: "csub_b", payerId: "user_b" }],
      plans: ["pro"],
    });
    expect(await count(t, "subscriptionItems")).toBe(1);
  });

  test("an organization pays: its plans are the organization's, not its members'", async () => {
    const t = initConvexTest();
    await deliver(t, subscriptionEvent("created", { payer: { orgId: "org_pay" }, items: [{ plan: "team" }] }));
    expect(await billingOf(t, { orgId: "org_pay" })).toMatchObject({
      subscription: { payerId: "org_pay", payerType: "organization" },
      plans: ["team"],
    });
    expect(await t.query(async (ctx) => clerk.hasPlan(ctx, { orgId: "org_pay" }, "team"))).toBe(true);
    expect(await t.query(async (ctx) => clerk.hasPlan(ctx, { orgId: "org_pay" }, "pro"))).toBe(false);
    expect(await billingOf(t, { userId: "org_pay" })).toMatchObject({ plans: ["team"] }); // ids never collide
    expect(await billingOf(t, { orgId: "org_other" })).toBeNull();
  });

  test("plan features are kept from the payload that listed them until the plan changes", async () => {
    const t = initConvexTest();
    const payer = { userId: "user_f" };
    const listed = clerkSubscriptionItem({ id: "csub_item_f", plan: "pro", payer, updated_at: 10 });
    const withFeatures = {
      ...listed,
      plan: { ...listed.plan, features: [{ object: "feature", slug: "export" }, { slug: "reports" }, 3] },
    };
    await deliver(t, { type: "subscriptionItem.active", object: "event", data: withFeatures });
    expect(await t.query(async (ctx) => clerk.hasFeature(ctx, payer, "export"))).toBe(true);
    // A webhook payload (no features) of the same plan does not forget them.
    await deliver(t, subscriptionItemEvent("updated", { id: "csub_item_f", plan: "pro", payer, updated_at: 20 }));
    expect(await billingOf(t, payer)).toMatchObject({ features: ["export", "reports"] });
    // Another plan: its features are unknown.
    await deliver(t, subscriptionItemEvent("updated", { id: "csub_item_f", plan: "basic", payer, updated_at: 30 }));
    expect(await billingOf(t, payer)).toMatchObject({ plans: ["basic"], features: [] });
    expect(await t.query(async (ctx) => clerk.hasFeature(ctx, payer, "export"))).toBe(false);
  });

  test("only active, past-due and not-yet-ended canceled items grant their plan", async () => {
    const t = initConvexTest();
    const payer = { userId: "user_s" };
    const statuses = ["active", "past_due", "canceled", "upcoming", "incomplete", "ended", "abandoned", "expired"];
    for (const status of statuses) {
      await deliver(t, subscriptionItemEvent("updated", { plan: `plan_${status}`, status, payer, period_end: null }));
    }
    const billing = await billingOf(t, payer);
    expect(billing?.plans.sort()).toEqual(["plan_active", "plan_canceled", "plan_past_due"]);
    expect(billing?.items.map((item) => item.status).sort()).toEqual([
      "active",
      "canceled",
      "incomplete",
      "past_due",
      "upcoming",
    ]);
  });

  test("a deleted user's or organization's billing is deleted, and later snapshots of it are stale", async () => {
    vi.useFakeTimers();
    const t = initConvexTest();
    await deliver(t, userCreated({ id: "user_gone" }));
    await deliver(
      t,
      subscriptionEvent("created", { payer: { userId: "user_gone" }, items: [{ plan: "pro" }, { plan: "free" }] }),
    );
    await deliver(t, subscriptionEvent("created", { payer: { orgId: "org_gone" } }));
    await deliver(t, subscriptionEvent("created", { payer: { userId: "user_stays" } }));
    await deliver(t, userDeleted("user_gone"));
    await deliver(t, organizationDeleted("org_gone"));
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await billingOf(t, { userId: "user_gone" })).toBeNull();
    expect(await billingOf(t, { orgId: "org_gone" })).toBeNull();
    expect(await count(t, "subscriptions")).toBe(1);
    expect(await count(t, "subscriptionItems")).toBe(1);
    expect(await outcome(t, subscriptionItemEvent("active", { payer: { userId: "user_gone" } }))).toBe("stale");
    expect(await outcome(t, subscriptionEvent("updated", { payer: { orgId: "org_gone" } }))).toBe("stale");
  });

  test("odd billing payloads are stored as far as they go, never a 5xx", async () => {
    const t = initConvexTest();
    const odd = [
      { type: "subscription.created", object: "event", data: { id: "csub_bare" } },
      {
        type: "subscription.updated",
        object: "event",
        data: { id: "csub_odd", items: [{ status: "active" }, null, { id: "csub_item_x" }] },
      },
      {
        type: "subscription.active",
        object: "event",
        data: { id: "csub_p", payer: { user_id: "", organization_id: "" }, items: "x" },
      },
      { type: "subscriptionItem.active", object: "event", data: { id: "csub_item_bare" } },
      {
        type: "subscriptionItem.pastDue",
        object: "event",
        data: { id: "csub_item_odd", plan: null, payer: "x", period_end: "soon" },
      },
      { type: "subscriptionItem.someNewStatus", object: "event", data: { id: "csub_item_new" } },
    ];
    const answers = [];
    for (const payload of odd) answers.push((await deliver(t, payload)).body.outcome);
    expect(answers).toEqual(["inserted", "inserted", "inserted", "inserted", "inserted", "ignored"]);
    expect(await count(t, "subscriptions")).toBe(3);
    expect(await count(t, "subscriptionItems")).toBe(3); // csub_item_x (inside csub_odd), and the two bare ones
    const item = await inComponent(t, (ctx) =>
      ctx.db
        .query("subscriptionItems")
        .withIndex("by_item_id", (q) => q.eq("itemId", "csub_item_x"))
        .unique(),
    );
    expect(item).toMatchObject({ subscriptionId: "csub_odd", payerId: null, status: "", planSlug: null });
  });
});

describe("billing hooks", () => {
  test("run once per real change, cascades included; a throwing hook rolls the delivery back", async () => {
    vi.useFakeTimers();
    const t = initBillingHooksApp();
    const payer = { userId: "user_h" };
    const subscription = {
      id: "csub_h",
      payer,
      updated_at: 10,
      items: [{ id: "csub_item_h", plan: "pro", updated_at: 10 }],
    };
    await deliver(t, subscriptionEvent("created", subscription), { id: "msg_sub" });
    await deliver(t, subscriptionEvent("created", subscription), { id: "msg_sub" }); // duplicate
    await deliver(t, subscriptionEvent("active", subscription)); // unchanged
    await deliver(
      t,
      subscriptionItemEvent("canceled", { id: "csub_item_h", status: "canceled", payer, updated_at: 20 }),
    );

    failing.enabled = true;
    expect(
      (await deliver(t, subscriptionEvent("pastDue", { ...subscription, status: "past_due", updated_at: 30 }))).status,
    ).toBe(500);
    failing.enabled = false;
    expect(
      (await deliver(t, subscriptionEvent("pastDue", { ...subscription, status: "past_due", updated_at: 30 }))).body
        .outcome,
    ).toBe("updated");
    await deliver(t, userDeleted("user_h"));
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await hookCalls(t)).toEqual([
      "sub.created:webhook:user_h:active",
      "item.created:pro:active",
      "item.updated:active->canceled",
      "sub.updated:active->past_due",
      "item.deleted:pro",
      "sub.deleted:webhook:user_h",
    ]);
  });
});
