import { subscriptionItemKind } from "../billing.js";
import { vSubscriptionItemRecord, type SubscriptionItemRecord } from "../records.js";
import { applySnapshot } from "../snapshots.js";
import { countOutcome, runContext, type BackfillSource } from "./source.js";

/**
 * Clerk Billing subscription items (with `billing`), free plans' included, newest first by
 * offset (Clerk takes no order), each stored with its plan's features. Not reconciled: Clerk
 * ends items rather than deleting them, and the pass brings the new status.
 */
export const subscriptionItemSource: BackfillSource<SubscriptionItemRecord, "subscriptionItems"> = {
  kind: "subscriptionItems",
  item: vSubscriptionItemRecord,
  option: "billing",
  listing: () => ({ paging: "offset", descending: true }),
  entry: (item) => ({ id: item.itemId, key: item.createdAt }),
  store: async (ctx, run, items, tally) => {
    const features = new Map(run.planFeatures.map((plan) => [plan.planId, plan.features]));
    for (const item of items) {
      const planFeatures = (item.planId !== null ? features.get(item.planId) : undefined) ?? item.planFeatures;
      const outcome = await applySnapshot(ctx, subscriptionItemKind, { ...item, planFeatures }, runContext(run));
      await countOutcome(ctx, tally, outcome, { id: item.itemId, changedAt: item.updatedAt });
    }
    tally.counts.seen += items.length;
  },
};
