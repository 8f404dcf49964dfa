// A host module for billing hook tests: records every billing hook call in the app's
// `profiles` table (keyed by the object's id), and serves the example's webhook route
// with these hooks wired on the ClerkSync.
import { ClerkSync, defineBillingEventHandlers, type BillingEventHandlerReference } from "convex-clerk-sync";
import { registerClerkRoutes } from "convex-clerk-sync/http";
import {
  httpRouter,
  internalMutationGeneric,
  makeFunctionReference,
  type DataModelFromSchemaDefinition,
  type GenericMutationCtx,
  type MutationBuilder,
} from "convex/server";
import type schema from "../../example/convex/schema";
import { components } from "../../example/convex/_generated/api";

type DataModel = DataModelFromSchemaDefinition<typeof schema>;
const internalMutation = internalMutationGeneric as MutationBuilder<DataModel, "internal">;

export const failing = { enabled: false };

const record = async (ctx: GenericMutationCtx<DataModel>, id: string, displayName: string) => {
  await ctx.db.insert("profiles", { clerkId: id, displayName, imageUrl: null });
  if (failing.enabled) throw new Error("hook failed");
};

export const onBillingEvent = defineBillingEventHandlers(internalMutation, {
  "subscription.created": (ctx, { subscription, source }) =>
    record(ctx, subscription.subscriptionId, `sub.created:${source}:${subscription.payerId}:${subscription.status}`),
  "subscription.updated": (ctx, { subscription, previous }) =>
    record(ctx, subscription.subscriptionId, `sub.updated:${previous.status}->${subscription.status}`),
  "subscription.deleted": (ctx, { subscriptionId, previous, source }) =>
    record(ctx, subscriptionId, `sub.deleted:${source}:${previous.payerId}`),
  "subscriptionItem.created": (ctx, { item }) =>
    record(ctx, item.itemId, `item.created:${item.planSlug}:${item.status}`),
  "subscriptionItem.updated": (ctx, { item, previous }) =>
    record(ctx, item.itemId, `item.updated:${previous.status}->${item.status}`),
  "subscriptionItem.deleted": (ctx, { itemId, previous }) => record(ctx, itemId, `item.deleted:${previous.planSlug}`),
});

const http = httpRouter();
registerClerkRoutes(
  http,
  new ClerkSync(components.clerk, {
    onBillingEvent: makeFunctionReference("billingHooks:onBillingEvent") as unknown as BillingEventHandlerReference,
  }),
);
export default http;
