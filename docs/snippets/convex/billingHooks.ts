import { defineBillingEventHandlers } from "convex-clerk-sync";
import { internalMutation } from "./_generated/server";

/**
 * Billing hooks: wire them as `onBillingEvent` on the `ClerkSync` in clerk.ts. Clerk's
 * status-named events arrive as `subscriptionItem.updated`: compare `status` with `previous.status`.
 */
export const onBillingEvent = defineBillingEventHandlers(internalMutation, {
  "subscriptionItem.created": async (_ctx, { item }) => {
    console.log(`${item.payerId ?? "a payer"} subscribed to ${item.planSlug ?? "a plan"}`);
  },
  "subscriptionItem.updated": async (_ctx, { item, previous }) => {
    if (item.status === "canceled" && previous.status !== "canceled") {
      console.log(`${item.payerId ?? "a payer"} canceled ${item.planSlug ?? "a plan"}; it ends at the period's end`);
    }
  },
});
