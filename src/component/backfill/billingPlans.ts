import { vPlanFeatures, type PlanFeatures } from "../backfillValidators.js";
import type { BackfillSource } from "./source.js";

/**
 * Clerk Billing plans (with `billing`), newest first by offset (Clerk takes no order). Plans
 * carry no `updated_at`: nothing to order their snapshots by, so they are not stored
 * themselves; the run keeps their features for the subscription items that follow.
 */
export const billingPlanSource: BackfillSource<PlanFeatures, "billingPlans"> = {
  kind: "billingPlans",
  item: vPlanFeatures,
  option: "billing",
  listing: () => ({ paging: "offset", descending: true }),
  // Plans carry no date: their anchors alone tell whether the pages join.
  entry: (plan) => ({ id: plan.planId, key: null }),
  store: async (_ctx, run, plans, { counts }) => {
    counts.seen += plans.length;
    const read = new Map(plans.map((plan) => [plan.planId, plan]));
    return { planFeatures: [...run.planFeatures.filter((plan) => !read.has(plan.planId)), ...read.values()] };
  },
};
