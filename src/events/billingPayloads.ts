// Clerk Billing's objects and deliveries as Clerk sends them (from Clerk's documented examples):
// payers, subscription items, subscriptions, and the `subscription.*`/`subscriptionItem.*` events.
import { SUBSCRIPTION_EVENT_TYPES, SUBSCRIPTION_ITEM_EVENT_TYPES } from "../component/records.js";
import { envelope, newUserId } from "./payloads.js";
import { randomToken } from "./sign.js";

/** Who pays: a user or an organization. */
export type PayerOverrides = { userId: string } | { orgId: string };

/** A payer object as Clerk sends it: a user payer's `organization_id` is `""`. */
export function clerkPayer(payer: PayerOverrides) {
  const isOrg = "orgId" in payer;
  return {
    object: "commerce_payer",
    id: `cpayer_${randomToken()}`,
    user_id: isOrg ? "" : payer.userId,
    first_name: isOrg ? "" : "Test",
    last_name: isOrg ? "" : "User",
    email: "test@example.com",
    organization_id: isOrg ? payer.orgId : "",
    organization_name: isOrg ? "Acme Corp" : "",
    image_url: "https://img.clerk.com/xxxxxx",
    created_at: 0,
    updated_at: 0,
  };
}

/**
 * A subscription item as Clerk sends it: `plan` is the plan's slug, `payer` who pays
 * (left out, as inside a subscription payload, when not given).
 */
export function clerkSubscriptionItem(
  overrides: Record<string, unknown> & { id?: string; plan?: string; payer?: PayerOverrides | undefined } = {},
) {
  const { plan, payer, ...fields } = overrides;
  const now = Date.now();
  const slug = plan ?? "pro";
  return {
    object: "commerce_subscription_item",
    status: "active",
    is_free_trial: false,
    created_at: now,
    updated_at: now,
    period_start: now,
    period_end: now + 30 * 24 * 60 * 60 * 1000,
    interval: "month",
    plan_id: `cplan_${slug}`,
    plan: { id: `cplan_${slug}`, slug, name: slug, is_recurring: true, amount: 2000, currency: "USD" },
    subscription_id: null,
    ...(payer ? { payer: clerkPayer(payer) } : {}),
    ...fields,
    id: fields.id ?? `csub_item_${randomToken()}`,
  };
}

/** A subscription as Clerk sends it, with its items (`items`: item overrides). */
export function clerkSubscription(
  overrides: Omit<Record<string, unknown>, "items"> & {
    id?: string;
    payer?: PayerOverrides;
    items?: Parameters<typeof clerkSubscriptionItem>[0][];
  } = {},
) {
  const { payer, items, ...fields } = overrides;
  const now = Date.now();
  return {
    object: "commerce_subscription",
    status: "active",
    active_at: now,
    canceled_at: null,
    created_at: now,
    ended_at: null,
    past_due_at: null,
    updated_at: now,
    latest_payment_id: `cpa_${randomToken()}`,
    payer_id: `cpayer_${randomToken()}`,
    payer: clerkPayer(payer ?? { userId: newUserId() }),
    payment_source_id: `cps_${randomToken()}`,
    items: (items ?? [{}]).map((item) => clerkSubscriptionItem({ ...item, payer: undefined })),
    ...fields,
    id: fields.id ?? `csub_${randomToken()}`,
  };
}

/** The `subscription.*` events Clerk sends, each carrying the whole subscription. */
export type SubscriptionEventType = (typeof SUBSCRIPTION_EVENT_TYPES)[number];
/** The `subscriptionItem.*` events Clerk sends, each carrying the whole item. */
export type SubscriptionItemEventType = (typeof SUBSCRIPTION_ITEM_EVENT_TYPES)[number];
/** `subscription.created` or its short form `created`. */
type WithShortForm<Type extends string> = Type | (Type extends `${string}.${infer Short}` ? Short : never);

/**
 * A `subscription.*` delivery: `type` is Clerk's event type (`subscription.created`,
 * `subscription.updated`, `subscription.active`, `subscription.pastDue`) or its last part.
 * Throws on any other type, which the endpoint would acknowledge and ignore.
 */
export function subscriptionEvent(
  type: WithShortForm<SubscriptionEventType>,
  overrides: Parameters<typeof clerkSubscription>[0] = {},
) {
  return envelope(
    knownType("subscriptionEvent", "subscription", type, SUBSCRIPTION_EVENT_TYPES),
    clerkSubscription(overrides),
  );
}

/**
 * A `subscriptionItem.*` delivery: `type` is Clerk's event type (`subscriptionItem.active`,
 * `subscriptionItem.canceled`, `subscriptionItem.ended`…) or its last part. Throws on any
 * other type, which the endpoint would acknowledge and ignore.
 */
export function subscriptionItemEvent(
  type: WithShortForm<SubscriptionItemEventType>,
  overrides: Parameters<typeof clerkSubscriptionItem>[0] = {},
) {
  return envelope(
    knownType("subscriptionItemEvent", "subscriptionItem", type, SUBSCRIPTION_ITEM_EVENT_TYPES),
    clerkSubscriptionItem(overrides),
  );
}

/** `type` as Clerk names it, checked against the types the component applies. */
function knownType<Type extends string>(builder: string, prefix: string, type: string, known: readonly Type[]): Type {
  const full = type.startsWith(`${prefix}.`) ? type : `${prefix}.${type}`;
  const found = known.find((candidate) => candidate === full);
  if (found === undefined) {
    throw new Error(`${builder}: unknown event type ${JSON.stringify(type)}; Clerk sends ${known.join(", ")}`);
  }
  return found;
}
