import type { SubscriptionItemRecord } from "../../component/records.js";
import { listData } from "../clerkApi.js";
import { normalizeSubscriptionItem } from "../normalize.js";
import { offsetOf, type ClientSource } from "./source.js";

/**
 * The instance's subscription items, free plans' included, newest first (Clerk takes no
 * order). `@clerk/backend` does not list them. Each names its payer, not its subscription.
 */
export const subscriptionItems: ClientSource<SubscriptionItemRecord> = {
  list: async (api, position, limit) => {
    const query = { limit, offset: offsetOf(position), include_free: "true" };
    const { data, total } = listData(await api.get("/billing/subscription_items", query), "subscription items");
    return { items: data.map(normalizeSubscriptionItem), ...(total !== undefined ? { total } : {}) };
  },
};
