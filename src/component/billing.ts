import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import type { Doc } from "./_generated/dataModel.js";
import { internalMutation, query, type MutationCtx } from "./_generated/server.js";
import {
  vChangeSource,
  vHookHandles,
  type BillingHookEvent,
  type ChangeContext,
  type ChangeOutcome,
} from "./changes.js";
import { vPayerBilling, type SubscriptionItemRecord, type SubscriptionRecord } from "./records.js";
import { applySnapshot, removeRow, runHook, type SyncedKind } from "./snapshots.js";

/** Billing rows deleted per scheduled step when their payer is deleted. */
const CLEANUP_BATCH = 200;
/** The most subscription items read for one payer (a payer has one per plan change). */
const MAX_ITEMS_PER_PAYER = 100;

/** Item statuses that still grant the plan: `canceled` ones until their period ends. */
const ENTITLING_STATUSES = new Set(["active", "past_due", "canceled"]);
/** Item statuses that are over: left out of a payer's current items. */
const FINISHED_STATUSES = new Set(["ended", "abandoned", "expired"]);

/** The newer snapshot, with what only the older one knew filled in (`newer` itself if nothing). */
function keepKnown<R extends Record<string, unknown>>(newer: R, older: R, fields: (keyof R)[]): R {
  const missing = fields.filter((field) => newer[field] === null && older[field] !== null);
  if (missing.length === 0) return newer;
  const merged = { ...newer };
  for (const field of missing) merged[field] = older[field];
  return merged;
}

/** Subscriptions under the snapshot rules. */
export const subscriptionKind: SyncedKind<"subscriptions", SubscriptionRecord> = {
  table: "subscriptions",
  idOf: (subscription) => subscription.subscriptionId,
  find: (ctx, subscriptionId) =>
    ctx.db
      .query("subscriptions")
      .withIndex("by_subscription_id", (q) => q.eq("subscriptionId", subscriptionId))
      .unique(),
  toRow: (subscription) => subscription,
  toRecord: ({ _id, _creationTime, ...record }) => record,
  // A deleted user's or organization's billing stays deleted.
  parentsOf: (subscription) => [subscription.payerId],
  // A snapshot without its payer never hides who pays.
  merge: (newer, older) => keepKnown(newer, older, ["payerId", "payerType"]),
  notify: (ctx, { source, hooks }, change) => {
    const subscriptionId = change.id;
    const event: BillingHookEvent =
      change.type === "created"
        ? { type: "subscription.created", subscriptionId, subscription: change.record, previous: null, source }
        : change.type === "updated"
          ? {
              type: "subscription.updated",
              subscriptionId,
              subscription: change.record,
              previous: change.previous,
              source,
            }
          : { type: "subscription.deleted", subscriptionId, subscription: null, previous: change.previous, source };
    return runHook(ctx, hooks.onBillingEvent, event);
  },
};

/** Subscription items under the snapshot rules. */
export const subscriptionItemKind: SyncedKind<"subscriptionItems", SubscriptionItemRecord> = {
  table: "subscriptionItems",
  idOf: (item) => item.itemId,
  find: (ctx, itemId) =>
    ctx.db
      .query("subscriptionItems")
      .withIndex("by_item_id", (q) => q.eq("itemId", itemId))
      .unique(),
  toRow: (item) => item,
  toRecord: toItemRecord,
  parentsOf: (item) => [item.payerId],
  // Webhook payloads name neither the plan's features nor, inside a subscription, the
  // payer: what an earlier snapshot (or the Backend API) said is kept.
  merge: (newer, older) => {
    const merged = keepKnown(newer, older, ["payerId", "payerType", "subscriptionId"]);
    if (merged.planFeatures !== null || older.planFeatures === null || merged.planId !== older.planId) return merged;
    return { ...merged, planFeatures: older.planFeatures };
  },
  notify: (ctx, { source, hooks }, change) => {
    const itemId = change.id;
    const event: BillingHookEvent =
      change.type === "created"
        ? { type: "subscriptionItem.created", itemId, item: change.record, previous: null, source }
        : change.type === "updated"
          ? { type: "subscriptionItem.updated", itemId, item: change.record, previous: change.previous, source }
          : { type: "subscriptionItem.deleted", itemId, item: null, previous: change.previous, source };
    return runHook(ctx, hooks.onBillingEvent, event);
  },
};

function toItemRecord(row: Doc<"subscriptionItems">): SubscriptionItemRecord {
  const { _id, _creationTime, ...record } = row;
  return record;
}

/**
 * Store a subscription and the items it carries, each item under its own `updated_at`.
 * The outcome is the subscription's, or `updated` when only an item changed.
 */
export async function applySubscriptionSnapshot(
  ctx: MutationCtx,
  subscription: SubscriptionRecord,
  items: SubscriptionItemRecord[],
  context: ChangeContext,
): Promise<ChangeOutcome> {
  const outcome = await applySnapshot(ctx, subscriptionKind, subscription, context);
  let itemChanged = false;
  for (const item of items) {
    const itemOutcome = await applySnapshot(ctx, subscriptionItemKind, item, context);
    itemChanged ||= itemOutcome === "inserted" || itemOutcome === "updated";
  }
  return itemChanged && (outcome === "unchanged" || outcome === "stale") ? "updated" : outcome;
}

/**
 * The one rule for what a payer is entitled to: the plans of its items that are active, past
 * due (Clerk retries the payment), or canceled (they run to the period's end, when Clerk sends
 * `subscriptionItem.ended`). Decided by status alone, never by the clock: a Convex query does
 * not re-run as time passes, so a subscribed client would otherwise keep a stale answer.
 */
export function isEntitling(item: SubscriptionItemRecord): boolean {
  return ENTITLING_STATUSES.has(item.status);
}

export const getForPayer = query({
  args: { payerId: v.string() },
  returns: v.union(vPayerBilling, v.null()),
  handler: async (ctx, { payerId }) => {
    const subscription = await ctx.db
      .query("subscriptions")
      .withIndex("by_payer", (q) => q.eq("payerId", payerId))
      .order("desc")
      .first();
    const rows = await ctx.db
      .query("subscriptionItems")
      .withIndex("by_payer", (q) => q.eq("payerId", payerId))
      .order("desc")
      .take(MAX_ITEMS_PER_PAYER);
    if (!subscription && rows.length === 0) return null;
    const items = rows.map(toItemRecord).filter((item) => !FINISHED_STATUSES.has(item.status));
    const entitling = items.filter(isEntitling);
    return {
      subscription: subscription && subscriptionKind.toRecord(subscription),
      items,
      plans: unique(entitling.map((item) => item.planSlug)),
      features: unique(entitling.flatMap((item) => item.planFeatures ?? [])),
    };
  },
});

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== null))];
}

/** Schedule the deletion of a deleted user's or organization's billing, if there is any. */
export async function scheduleBillingCleanup(ctx: MutationCtx, payerId: string, context: ChangeContext) {
  const [subscription, item] = await Promise.all([
    ctx.db
      .query("subscriptions")
      .withIndex("by_payer", (q) => q.eq("payerId", payerId))
      .first(),
    ctx.db
      .query("subscriptionItems")
      .withIndex("by_payer", (q) => q.eq("payerId", payerId))
      .first(),
  ]);
  if (subscription || item)
    await ctx.scheduler.runAfter(0, internal.billing.deleteForPayer, {
      payerId,
      source: context.source,
      hooks: context.hooks,
    });
}

/** Delete a batch of a deleted payer's subscriptions and items; reschedule while more remain. */
export const deleteForPayer = internalMutation({
  args: { payerId: v.string(), source: vChangeSource, hooks: vHookHandles },
  returns: v.number(),
  handler: async (ctx, { payerId, source, hooks }) => {
    const context = { source, hooks };
    const items = await ctx.db
      .query("subscriptionItems")
      .withIndex("by_payer", (q) => q.eq("payerId", payerId))
      .take(CLEANUP_BATCH);
    for (const row of items) await removeRow(ctx, subscriptionItemKind, row, context);
    const subscriptions = await ctx.db
      .query("subscriptions")
      .withIndex("by_payer", (q) => q.eq("payerId", payerId))
      .take(CLEANUP_BATCH - items.length);
    for (const row of subscriptions) await removeRow(ctx, subscriptionKind, row, context);
    const deleted = items.length + subscriptions.length;
    if (deleted === CLEANUP_BATCH) {
      await ctx.scheduler.runAfter(0, internal.billing.deleteForPayer, { payerId, source, hooks });
    }
    return deleted;
  },
});
