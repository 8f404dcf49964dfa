import type { PlanFeatures } from "../../component/backfillValidators.js";
import { isObject, listData } from "../clerkApi.js";
import { offsetOf, type ClientSource } from "./source.js";

/**
 * Clerk Billing plans, user and organization plans alike (`@clerk/backend`'s `getPlanList`
 * requires one payer type), newest first (Clerk takes no order), as each plan's feature slugs.
 */
export const billingPlans: ClientSource<PlanFeatures> = {
  list: async (api, position, limit) => {
    const { data, total } = listData(await api.get("/billing/plans", { limit, offset: offsetOf(position) }), "plans");
    const items = data.map((plan) => ({
      planId: plan.id,
      features: (Array.isArray(plan["features"]) ? plan["features"] : []).flatMap((feature) =>
        isObject(feature) && typeof feature["slug"] === "string" && feature["slug"] !== "" ? [feature["slug"]] : [],
      ),
    }));
    return { items, ...(total !== undefined ? { total } : {}) };
  },
};
