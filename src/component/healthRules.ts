// The health check's rules: the table docs/health.md shows (checked by a test), and the rules
// that read deliveries, failures and sign-up fallbacks. Each reads only what is already stored
// and answers its findings; health.ts combines them into the verdict. The heartbeat's rules are
// in heartbeatRules.ts, the backfill's in repairsRule.ts.
import type { QueryCtx } from "./_generated/server.js";
import { MAX_FAILURES_KEPT, type FailureReason } from "./failures.js";
import type { HealthFacts, HealthReason } from "./health.js";
import { count, duration, isAfterLastHeard, noDelivery } from "./healthWords.js";
import { RETENTION_MS } from "./retention.js";
import { fallbacksBetween, FALLBACKS_READ } from "./signUpFallbacks.js";

/** Every rule: what it reads, when it is `silent`, when `degraded`. The one table of the verdict. */
export const HEALTH_RULES = {
  heartbeat: {
    reads: "the newest 50 heartbeat round trips (`ClerkHeartbeat`)",
    silent:
      "one has not come back within its window (default 10 minutes), at any hour: the cause is named (no request reaches the route, or requests fail their signature)",
    degraded: "the heartbeat could not be sent (Clerk refused the write), or was not sent for two windows",
  },
  signatureRefusals: {
    reads: "requests refused for their signature, counted per 5-minute window (a day kept, no body)",
    silent:
      "requests were refused after the webhook was last heard from and the heartbeat is overdue: the signing secret is not the endpoint's",
    degraded:
      "without the heartbeat, at least `failedDeliveries` were refused since the webhook was last heard from; while heartbeats come back, refused requests (a forged flood) change nothing",
  },
  signingSecret: {
    reads: "the failure row of `no_signing_secret` / `malformed_signing_secret` (one row each, counted)",
    silent: "it failed after the webhook was last heard from, within `lookbackMs`: every delivery is refused",
    degraded: "never",
  },
  outage: {
    reads: "the outages a returning heartbeat ended (the newest 20), with their heal pass",
    silent: "never: the outage is over",
    degraded:
      "its heal pass is still running; or it outlasted Svix's retries (about 28 hours), until a full pass started after it ends",
  },
  failedDeliveries: {
    reads:
      "the latest 50 failed deliveries (`apply_failed`, `invalid_payload`, `too_large`) within `lookbackMs`, never applied since",
    silent: "at least `failedDeliveries` distinct ones failed after the webhook was last heard from",
    degraded: "any other: a Svix retry that was later applied does not count, a message retried counts once",
  },
  signUpFallbacks: {
    reads:
      "users `syncCurrentUser` stored (the webhook had not landed) within `lookbackMs`, stored over `fallbackGraceMs` ago",
    silent: "one was stored after the webhook was last heard from and its `user.created` never came",
    degraded:
      "one's `user.created` never came while others were applied; not for a user Clerk created before the first delivery on record, nor one stored during an outage",
  },
  backfillRepairs: {
    reads:
      "the passes that ran to their end within `lookbackMs` (the newest 12 of each mode), at least `repairedObjects` objects",
    silent:
      "a pass repaired an object Clerk changed after the webhook was last heard from (or none is on record); it stays until a delivery or a heartbeat comes",
    degraded:
      "the newest pass that listed (or reconciled) a kind repaired some of it while deliveries flowed: a kind not subscribed; until a pass repairs none of that kind",
  },
} as const;
export type HealthRule = keyof typeof HEALTH_RULES;
export const HEALTH_RULE_NAMES = Object.keys(HEALTH_RULES) as HealthRule[];

const SECRET_PROBLEMS = {
  no_signing_secret: "the deployment has no signing secret (set CLERK_WEBHOOK_SIGNING_SECRET or CLERK_WEBHOOK_SECRET)",
  malformed_signing_secret: "a signing secret on the deployment is not whsec_ + base64",
} as const;

const DELIVERY_PROBLEMS: Partial<Record<FailureReason, string>> = {
  apply_failed: "a hook threw",
  invalid_payload: "not a Clerk event",
  too_large: "too large for Convex",
};

/** A missing or malformed signing secret since the webhook was last heard from: every delivery is refused. */
export async function signingSecretRule(ctx: QueryCtx, facts: HealthFacts): Promise<HealthReason[]> {
  const reasons: HealthReason[] = [];
  for (const [reason, problem] of Object.entries(SECRET_PROBLEMS)) {
    const row = await ctx.db
      .query("deliveryFailures")
      .withIndex("by_reason", (q) => q.eq("reason", reason as keyof typeof SECRET_PROBLEMS))
      .first();
    if (!row || row.failedAt < facts.now - facts.thresholds.lookbackMs || !isAfterLastHeard(row.failedAt, facts)) {
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
 * failed after the webhook was last heard from, else `degraded`.
 */
export async function failedDeliveriesRule(ctx: QueryCtx, facts: HealthFacts): Promise<HealthReason[]> {
  const rows = await ctx.db.query("deliveryFailures").withIndex("by_failed_at").order("desc").take(MAX_FAILURES_KEPT);
  const capped = rows.length === MAX_FAILURES_KEPT;
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
  const unheard = all.filter(({ failedAt }) => isAfterLastHeard(failedAt, facts));
  if (unheard.length >= facts.thresholds.failedDeliveries) {
    const deliveries = count(unheard.length, "delivery", "deliveries", capped && unheard.length === all.length);
    const message = `the last ${deliveries} failed: ${byReason(unheard)}; ${noDelivery(facts)}`;
    return [{ rule: "failedDeliveries", verdict: "silent", message, count: unheard.length }];
  }
  if (all.length === 0) return [];
  const message =
    `${count(all.length, "delivery", "deliveries", capped)} failed in the last ${duration(facts.thresholds.lookbackMs)} ` +
    `and ${all.length === 1 ? "was" : "were"} never applied: ${byReason(all)}`;
  return [{ rule: "failedDeliveries", verdict: "degraded", message, count: all.length }];
}

/**
 * Users `syncCurrentUser` stored (their webhook had not landed) whose `user.created` delivery
 * never followed within `fallbackGraceMs`: `silent` for those stored after the webhook was last
 * heard from (Clerk had a sign-up to deliver, and nothing came), else `degraded`, except users
 * Clerk created before the first delivery on record (an adopting app: their endpoint did not
 * exist) and users stored during an outage a heartbeat ended (the outage rule speaks for them).
 */
export async function signUpFallbacksRule(ctx: QueryCtx, facts: HealthFacts): Promise<HealthReason[]> {
  const { now, thresholds } = facts;
  const from = now - Math.min(thresholds.lookbackMs, RETENTION_MS);
  const { stored, unfollowed } = await fallbacksBetween(ctx, from, now - thresholds.fallbackGraceMs);
  const capped = stored === FALLBACKS_READ;
  const unheard = unfollowed.filter(({ storedAt }) => isAfterLastHeard(storedAt, facts));
  if (unheard.length > 0) {
    const users = count(unheard.length, "user was", "users were", capped && unheard.length === stored);
    const message = `${noDelivery(facts)} while ${users} stored by syncCurrentUser, and no user.created delivery came for them`;
    return [{ rule: "signUpFallbacks", verdict: "silent", message, count: unheard.length }];
  }
  const missed = [];
  for (const fallback of unfollowed) {
    if (facts.outages.some((outage) => fallback.storedAt >= outage.from && fallback.storedAt <= outage.to)) continue;
    if (await createdBeforeFirstDelivery(ctx, fallback.clerkId, facts)) continue;
    missed.push(fallback);
  }
  if (missed.length === 0) return [];
  const users =
    missed.length === stored
      ? count(stored, "user", "users", capped)
      : `${missed.length} of the ${count(stored, "user", "users", capped)}`;
  const message =
    `${users} stored by syncCurrentUser in the last ${duration(thresholds.lookbackMs)} never got ` +
    `${missed.length === 1 ? "its" : "their"} user.created delivery`;
  return [{ rule: "signUpFallbacks", verdict: "degraded", message, count: missed.length }];
}

/** Clerk created the user before the endpoint's first delivery on record: no `user.created` was ever due. */
async function createdBeforeFirstDelivery(ctx: QueryCtx, clerkId: string, { firstDeliveryAt }: HealthFacts) {
  if (firstDeliveryAt === null) return false;
  const user = await ctx.db
    .query("users")
    .withIndex("by_clerk_id", (q) => q.eq("clerkId", clerkId))
    .unique();
  return user !== null && user.createdAt < firstDeliveryAt;
}

function byReason(failures: { reason: FailureReason }[]) {
  const counts = new Map<FailureReason, number>();
  for (const { reason } of failures) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} ${reason} (${DELIVERY_PROBLEMS[reason] ?? reason})`).join(", ");
}
