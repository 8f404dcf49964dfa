// Whether Clerk's webhook is delivering, as a verdict a host can alert on: computed from what
// is already stored (dedupe rows, failure records, sign-up fallbacks, the backfill's runs),
// with no write of its own. Each rule is in healthRules.ts; docs/health.md explains them.
import { v, type Infer } from "convex/values";
import { query, type QueryCtx } from "./_generated/server.js";
import {
  BACKFILL_KINDS,
  BACKFILL_MODES,
  vBackfillKind,
  vBackfillMode,
  vBackfillRunState,
} from "./backfillValidators.js";
import { RAN_TO_END } from "./backfill/run.js";
import type { Run } from "./backfill/source.js";
import { backfillRepairsRule, failedDeliveriesRule, signingSecretRule, signUpFallbacksRule } from "./healthRules.js";
import { RETENTION_MS } from "./retention.js";

const HOUR = 60 * 60 * 1000;

/** `ok`; `degraded`: deliveries arrive, but some Clerk changes never did; `silent`: none arrive while Clerk changes. */
export const vHealthVerdict = v.union(v.literal("ok"), v.literal("degraded"), v.literal("silent"));
export type HealthVerdict = Infer<typeof vHealthVerdict>;

/** One finding: which rule, how bad, and what was seen, in words and in a number. */
export const vHealthReason = v.object({
  rule: v.union(
    v.literal("signingSecret"),
    v.literal("failedDeliveries"),
    v.literal("signUpFallbacks"),
    v.literal("backfillRepairs"),
  ),
  verdict: v.union(v.literal("degraded"), v.literal("silent")),
  /** What was seen, e.g. "no delivery applied since … while 12 users were stored by syncCurrentUser …". */
  message: v.string(),
  /** What the rule counts: failed requests, failed deliveries, fallback users, or objects repaired. */
  count: v.number(),
});
export type HealthReason = Infer<typeof vHealthReason>;

/** What one ended backfill pass repaired: the objects no webhook had brought, per kind. */
export const vPassRepairs = v.object({
  runId: v.string(),
  mode: vBackfillMode,
  status: vBackfillRunState,
  startedAt: v.number(),
  finishedAt: v.number(),
  /** The kinds with repairs: `stored` (inserted or updated, `counts.byKind[kind].repaired`) and `removed` (`deleted`). */
  repaired: v.array(v.object({ kind: vBackfillKind, stored: v.number(), removed: v.number() })),
  /** The latest Clerk `updated_at` among the objects it stored: when a change was last missed; null if none. */
  lastMissed: v.union(v.number(), v.null()),
});
export type PassRepairs = Infer<typeof vPassRepairs>;

/** The verdict, the reasons for it (most severe first; none when `ok`), and the facts it read. */
export const vSyncHealth = v.object({
  verdict: vHealthVerdict,
  reasons: v.array(vHealthReason),
  /** When the latest delivery was applied (dedupe rows are kept 30 days); null if none. */
  lastDeliveryAt: v.union(v.number(), v.null()),
  /** The latest ended full pass and, if later, the latest ended incremental pass, within `lookbackMs`. */
  passes: v.array(vPassRepairs),
});
export type SyncHealth = Infer<typeof vSyncHealth>;

/** The thresholds of the rules; each has a default (`DEFAULT_HEALTH_THRESHOLDS`). */
export const vHealthThresholds = v.object({
  /** A user stored by `syncCurrentUser` counts against the webhook once this passed with no `user.created` (ms). */
  fallbackGraceMs: v.optional(v.number()),
  /** How far back fallbacks, failed deliveries and ended passes are read (ms; at most the 30 days rows are kept). */
  lookbackMs: v.optional(v.number()),
  /** Objects a pass repaired (stored and removed) from which it counts against the webhook (at least 1). */
  repairedObjects: v.optional(v.number()),
  /** Deliveries failed with none applied since, from which the webhook is `silent` rather than `degraded` (at least 1). */
  failedDeliveries: v.optional(v.number()),
});
export type HealthThresholds = Infer<typeof vHealthThresholds>;

export const DEFAULT_HEALTH_THRESHOLDS: Required<HealthThresholds> = {
  // Svix's first retries come within 35 minutes; a sign-up's delivery usually within seconds.
  fallbackGraceMs: HOUR,
  lookbackMs: 7 * 24 * HOUR,
  repairedObjects: 1,
  failedDeliveries: 3,
};

/** What every rule reads: the time, the latest applied delivery, and the thresholds. */
export type HealthFacts = { now: number; lastDeliveryAt: number | null; thresholds: Required<HealthThresholds> };

export const get = query({
  args: { thresholds: v.optional(vHealthThresholds) },
  returns: vSyncHealth,
  handler: async (ctx, args): Promise<SyncHealth> => {
    const thresholds = resolveThresholds(args.thresholds ?? {});
    const latest = await ctx.db.query("deliveries").withIndex("by_received_at").order("desc").first();
    const facts: HealthFacts = { now: Date.now(), lastDeliveryAt: latest?.receivedAt ?? null, thresholds };
    const passes = (await latestPasses(ctx, facts)).map(passRepairs);
    const reasons = [
      ...(await signingSecretRule(ctx, facts)),
      ...(await failedDeliveriesRule(ctx, facts)),
      ...(await signUpFallbacksRule(ctx, facts)),
      ...(await backfillRepairsRule(ctx, passes, facts)),
    ].sort((a, b) => severity(b.verdict) - severity(a.verdict));
    return { verdict: reasons[0]?.verdict ?? "ok", reasons, lastDeliveryAt: facts.lastDeliveryAt, passes };
  },
});

const severity = (verdict: HealthVerdict) => ["ok", "degraded", "silent"].indexOf(verdict);

/** The host's thresholds over the defaults; a value no rule can use is refused, naming it. */
export function resolveThresholds(given: HealthThresholds): Required<HealthThresholds> {
  const thresholds = { ...DEFAULT_HEALTH_THRESHOLDS, ...given };
  for (const [name, value] of Object.entries(thresholds)) {
    const least = name === "repairedObjects" || name === "failedDeliveries" ? 1 : 0;
    if (!(Number.isFinite(value) && value >= least)) {
      throw new Error(`health threshold ${name} must be a number of at least ${least}, not ${value}`);
    }
  }
  // Deliveries' dedupe rows and fallbacks are kept 30 days: past that, an applied failure would look unapplied.
  if (thresholds.lookbackMs > RETENTION_MS) {
    throw new Error(
      `health threshold lookbackMs must be at most 30 days (${RETENTION_MS}), not ${thresholds.lookbackMs}`,
    );
  }
  return thresholds;
}

/**
 * The latest full pass and the latest incremental pass after it that ran to their end (`done`
 * or `incomplete`; a canceled run says nothing of what a whole pass would repair), ended within
 * the lookback.
 */
async function latestPasses(ctx: QueryCtx, { now, thresholds }: HealthFacts): Promise<Run[]> {
  const latest: Run[] = [];
  for (const mode of BACKFILL_MODES) {
    const [ended] = (await Promise.all(RAN_TO_END.map((status) => latestRun(ctx, mode, status))))
      .filter((run) => run !== null)
      .sort((a, b) => b.startedAt - a.startedAt);
    if (ended?.finishedAt && ended.finishedAt >= now - thresholds.lookbackMs) latest.push(ended);
  }
  const [full] = latest.filter((run) => run.mode === "full");
  return latest
    .filter((run) => run.mode === "full" || !full || run.startedAt > full.startedAt)
    .sort((a, b) => b.startedAt - a.startedAt);
}

function latestRun(ctx: QueryCtx, mode: Run["mode"], status: Run["status"]) {
  return ctx.db
    .query("backfillRuns")
    .withIndex("by_mode_and_status", (q) => q.eq("mode", mode).eq("status", status))
    .order("desc")
    .first();
}

function passRepairs(run: Run): PassRepairs {
  const repaired = BACKFILL_KINDS.map((kind) => {
    const { repaired: stored, deleted: removed } = run.counts.byKind[kind];
    return { kind, stored, removed };
  }).filter(({ stored, removed }) => stored + removed > 0);
  const missed = BACKFILL_KINDS.flatMap((kind) => run.counts.byKind[kind].lastMissed ?? []);
  return {
    runId: run._id,
    mode: run.mode,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? run.startedAt,
    repaired,
    lastMissed: missed.length > 0 ? Math.max(...missed) : null,
  };
}
