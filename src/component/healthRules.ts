// The health check's rules, one function each, and their words. Each reads only what is
// already stored and answers its findings; health.ts combines them into the verdict.
import type { QueryCtx } from "./_generated/server.js";
import type { BackfillKind } from "./backfillValidators.js";
import { MAX_FAILURES_KEPT, type FailureReason } from "./failures.js";
import type { HealthFacts, HealthReason, PassRepairs } from "./health.js";
import { RETENTION_MS } from "./retention.js";
import { fallbacksBetween } from "./signUpFallbacks.js";

const SECRET_PROBLEMS = {
  no_signing_secret: "the deployment has no signing secret (set CLERK_WEBHOOK_SIGNING_SECRET or CLERK_WEBHOOK_SECRET)",
  malformed_signing_secret: "a signing secret on the deployment is not whsec_ + base64",
} as const;

const DELIVERY_PROBLEMS: Partial<Record<FailureReason, string>> = {
  apply_failed: "a hook threw",
  invalid_payload: "not a Clerk event",
  too_large: "too large for Convex",
};

/**
 * A missing or malformed signing secret since the last applied delivery: every delivery is
 * refused before it is read, so the webhook is `silent`.
 */
export async function signingSecretRule(ctx: QueryCtx, facts: HealthFacts): Promise<HealthReason[]> {
  const reasons: HealthReason[] = [];
  for (const [reason, problem] of Object.entries(SECRET_PROBLEMS)) {
    const row = await ctx.db
      .query("deliveryFailures")
      .withIndex("by_reason", (q) => q.eq("reason", reason as keyof typeof SECRET_PROBLEMS))
      .first();
    if (!row || row.failedAt < facts.now - facts.thresholds.lookbackMs || !isAfterLastDelivery(row.failedAt, facts)) {
      continue;
    }
    const message = `the last ${count(row.occurrences, "delivery", "deliveries")} failed: ${problem}; ${noDelivery(facts)}`;
    reasons.push({ rule: "signingSecret", verdict: "silent", message, count: row.occurrences });
  }
  return reasons;
}

/**
 * Signed deliveries that failed within the lookback and were never applied since (a hook
 * threw, not a Clerk event, too large): `silent` when at least `failedDeliveries` of them
 * failed after the last applied delivery, else `degraded`.
 */
export async function failedDeliveriesRule(ctx: QueryCtx, facts: HealthFacts): Promise<HealthReason[]> {
  const rows = await ctx.db.query("deliveryFailures").withIndex("by_failed_at").order("desc").take(MAX_FAILURES_KEPT);
  const failed = new Map<string, { reason: FailureReason; failedAt: number }>();
  const checked = new Set<string>();
  for (const { svixId, reason, failedAt } of rows) {
    // Newest first: a message Svix retried counts once, as it last failed.
    if (!(reason in DELIVERY_PROBLEMS) || failedAt < facts.now - facts.thresholds.lookbackMs || checked.has(svixId)) {
      continue;
    }
    checked.add(svixId);
    const applied = await ctx.db
      .query("deliveries")
      .withIndex("by_svix_id", (q) => q.eq("svixId", svixId))
      .first();
    if (!applied) failed.set(svixId, { reason, failedAt });
  }
  const all = [...failed.values()];
  const unheard = all.filter(({ failedAt }) => isAfterLastDelivery(failedAt, facts));
  if (unheard.length >= facts.thresholds.failedDeliveries) {
    const message = `the last ${count(unheard.length, "delivery", "deliveries")} failed: ${byReason(unheard)}; ${noDelivery(facts)}`;
    return [{ rule: "failedDeliveries", verdict: "silent", message, count: unheard.length }];
  }
  if (all.length === 0) return [];
  const message =
    `${count(all.length, "delivery", "deliveries")} failed in the last ${duration(facts.thresholds.lookbackMs)} ` +
    `and ${all.length === 1 ? "was" : "were"} never applied: ${byReason(all)}`;
  return [{ rule: "failedDeliveries", verdict: "degraded", message, count: all.length }];
}

/**
 * Users `syncCurrentUser` stored (their webhook had not landed) whose `user.created` delivery
 * never followed within `fallbackGraceMs`: `silent` for those stored after the last applied
 * delivery (Clerk had a sign-up to deliver, and nothing came), else `degraded`.
 */
export async function signUpFallbacksRule(ctx: QueryCtx, facts: HealthFacts): Promise<HealthReason[]> {
  const { now, thresholds } = facts;
  const from = now - Math.min(thresholds.lookbackMs, RETENTION_MS);
  const { stored, unfollowed } = await fallbacksBetween(ctx, from, now - thresholds.fallbackGraceMs);
  const unheard = unfollowed.filter(({ storedAt }) => isAfterLastDelivery(storedAt, facts));
  if (unheard.length > 0) {
    const users = count(unheard.length, "user was", "users were");
    const message = `${noDelivery(facts)} while ${users} stored by syncCurrentUser, and no user.created delivery came for them`;
    return [{ rule: "signUpFallbacks", verdict: "silent", message, count: unheard.length }];
  }
  if (unfollowed.length === 0) return [];
  const users =
    unfollowed.length === stored
      ? count(stored, "user", "users")
      : `${unfollowed.length} of the ${count(stored, "user", "users")}`;
  const message =
    `${users} stored by syncCurrentUser in the last ${duration(thresholds.lookbackMs)} never got ` +
    `${unfollowed.length === 1 ? "its" : "their"} user.created delivery`;
  return [{ rule: "signUpFallbacks", verdict: "degraded", message, count: unfollowed.length }];
}

/** A pass that only removed objects (a deletion has no date): were deliveries applied in the day before it? */
const REMOVALS_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The latest passes' repairs (objects stored or removed that no webhook had brought), at
 * least `repairedObjects` of them. `silent` when Clerk changed one of them after the last
 * applied delivery (or none is on record). `degraded` when other deliveries were applied while
 * the missed change waited for the pass (between it and the pass's start): the webhook works
 * but misses changes. Neither when nothing was delivered in between: an outage the pass made
 * up for, over once deliveries are applied again.
 */
export async function backfillRepairsRule(
  ctx: QueryCtx,
  passes: PassRepairs[],
  facts: HealthFacts,
): Promise<HealthReason[]> {
  const reasons: HealthReason[] = [];
  for (const pass of passes) {
    const repaired = pass.repaired.reduce((sum, { stored, removed }) => sum + stored + removed, 0);
    if (repaired < facts.thresholds.repairedObjects) continue;
    const what = `the ${pass.mode} pass of ${when(pass.startedAt)} ${repairs(pass)} that webhooks never delivered`;
    const { lastDeliveryAt } = facts;
    const missedSince = pass.lastMissed !== null && lastDeliveryAt !== null && pass.lastMissed > lastDeliveryAt;
    if (lastDeliveryAt === null || missedSince) {
      const late = missedSince ? `, changed in Clerk as late as ${when(pass.lastMissed!)}` : "";
      const message = `${noDelivery(facts)}, yet ${what}${late}`;
      reasons.push({ rule: "backfillRepairs", verdict: "silent", message, count: repaired });
      continue;
    }
    const missed = pass.lastMissed ?? pass.startedAt - REMOVALS_WINDOW_MS;
    const deliveredMeanwhile = await ctx.db
      .query("deliveries")
      .withIndex("by_received_at", (q) => q.gt("receivedAt", missed).lt("receivedAt", pass.startedAt))
      .first();
    if (deliveredMeanwhile)
      reasons.push({ rule: "backfillRepairs", verdict: "degraded", message: what, count: repaired });
  }
  return reasons;
}

function isAfterLastDelivery(time: number, { lastDeliveryAt }: HealthFacts) {
  return lastDeliveryAt === null || time > lastDeliveryAt;
}

/** "no delivery applied since 2026-05-01 18:00 UTC (10 h ago)". */
function noDelivery({ now, lastDeliveryAt }: HealthFacts) {
  if (lastDeliveryAt === null) return `no delivery applied in the last ${duration(RETENTION_MS)} (none on record)`;
  return `no delivery applied since ${when(lastDeliveryAt)} (${duration(now - lastDeliveryAt)} ago)`;
}

/** "stored 37 users and 2 memberships and removed 4 users". */
function repairs({ repaired }: PassRepairs) {
  const list = (field: "stored" | "removed") =>
    repaired.filter((kind) => kind[field] > 0).map((kind) => count(kind[field], ...KIND_WORDS[kind.kind]));
  const stored = list("stored");
  const removed = list("removed");
  return [stored.length ? `stored ${join(stored)}` : "", removed.length ? `removed ${join(removed)}` : ""]
    .filter(Boolean)
    .join(" and ");
}

const KIND_WORDS: Record<BackfillKind, [string, string]> = {
  users: ["user", "users"],
  organizations: ["organization", "organizations"],
  memberships: ["membership", "memberships"],
  invitations: ["invitation", "invitations"],
  permissions: ["permission", "permissions"],
  roles: ["role", "roles"],
  billingPlans: ["billing plan", "billing plans"],
  subscriptionItems: ["subscription item", "subscription items"],
};

function byReason(failures: { reason: FailureReason }[]) {
  const counts = new Map<FailureReason, number>();
  for (const { reason } of failures) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} ${reason} (${DELIVERY_PROBLEMS[reason] ?? reason})`).join(", ");
}

/** "1 user", "1,200 users" (no Intl: a component's runtime need not have it). */
const count = (n: number, one: string, many: string) =>
  `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",")} ${n === 1 ? one : many}`;
const join = (items: string[]) =>
  items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

/** "2026-05-01 18:00 UTC". */
export function when(ms: number) {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "3 days", "10 h", "40 min". */
export function duration(ms: number) {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}
