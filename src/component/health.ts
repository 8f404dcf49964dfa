// Whether Clerk's webhook is delivering, as a verdict a host can alert on: computed from what
// is already stored (dedupe rows, failure records, sign-up fallbacks, the backfill's runs),
// with no write of its own. Each rule is in healthRules.ts; docs/health.md explains them.
import { v, type Infer } from "convex/values";
import { query, type QueryCtx } from "./_generated/server.js";
import { BACKFILL_MODES, vBackfillKind, vBackfillMode, vBackfillRunState } from "./backfillValidators.js";
import { RAN_TO_END } from "./backfill/run.js";
import type { Run } from "./backfill/source.js";
import { heartbeatSettings, lastReturned, OUTAGES_KEPT } from "./heartbeatRecords.js";
import { heartbeatRule, outageRule, signatureRefusalsRule } from "./heartbeatRules.js";
import { failedDeliveriesRule, HEALTH_RULE_NAMES, signingSecretRule, signUpFallbacksRule } from "./healthRules.js";
import { backfillRepairsRule, passRepairs } from "./repairsRule.js";
import { RETENTION_MS } from "./retention.js";

const HOUR = 60 * 60 * 1000;

/** `ok`; `degraded`: deliveries arrive, but some Clerk changes never did; `silent`: none arrive while Clerk changes. */
export const vHealthVerdict = v.union(v.literal("ok"), v.literal("degraded"), v.literal("silent"));
export type HealthVerdict = Infer<typeof vHealthVerdict>;

/** One finding: which rule, how bad, and what was seen, in words and in a number. */
export const vHealthReason = v.object({
  /** Which rule of `HEALTH_RULES` (healthRules.ts; the table of docs/health.md). */
  rule: v.union(...HEALTH_RULE_NAMES.map((name) => v.literal(name))),
  verdict: v.union(v.literal("degraded"), v.literal("silent")),
  /** What was seen, e.g. "no delivery applied since … while 12 users were stored by syncCurrentUser …". */
  message: v.string(),
  /** What the rule counts: heartbeats unanswered, refused requests, failed deliveries, fallback users, objects repaired. */
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
  /** When the latest heartbeat came back (round trips are kept 2 days); null if none, or no heartbeat is set up. */
  lastHeartbeatAt: v.optional(v.union(v.number(), v.null())),
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

/** What every rule reads: the time, when the webhook was last heard from, the outages, and the thresholds. */
export type HealthFacts = {
  now: number;
  lastDeliveryAt: number | null;
  /** The earliest delivery on record (dedupe rows are kept 30 days). */
  firstDeliveryAt: number | null;
  /** The later of the latest applied delivery and the latest heartbeat back: the path last seen working. */
  lastHeardAt: number | null;
  heartbeat: { setUp: boolean; lastReturnedAt: number | null };
  /** The outages a returning heartbeat ended within the lookback, newest first. */
  outages: { from: number; to: number; healRunId: string | null; heal: string }[];
  thresholds: Required<HealthThresholds>;
};

export const get = query({
  args: { thresholds: v.optional(vHealthThresholds) },
  returns: vSyncHealth,
  handler: async (ctx, args): Promise<SyncHealth> => {
    const facts = await healthFacts(ctx, resolveThresholds(args.thresholds ?? {}));
    const ended = await endedPasses(ctx, facts);
    const heartbeat = await heartbeatRule(ctx, facts);
    const reasons = [
      ...heartbeat,
      ...(await signatureRefusalsRule(
        ctx,
        facts,
        heartbeat.some((reason) => reason.verdict === "silent"),
      )),
      ...(await signingSecretRule(ctx, facts)),
      ...(await outageRule(ctx, facts)),
      ...(await failedDeliveriesRule(ctx, facts)),
      ...(await signUpFallbacksRule(ctx, facts)),
      ...(await backfillRepairsRule(ctx, ended, facts)),
    ].sort((a, b) => severity(b.verdict) - severity(a.verdict));
    return {
      verdict: reasons[0]?.verdict ?? "ok",
      reasons,
      lastDeliveryAt: facts.lastDeliveryAt,
      ...(facts.heartbeat.setUp ? { lastHeartbeatAt: facts.heartbeat.lastReturnedAt } : {}),
      passes: latestPasses(ended).map((run) => passRepairs(run)),
    };
  },
});

async function healthFacts(ctx: QueryCtx, thresholds: Required<HealthThresholds>): Promise<HealthFacts> {
  const now = Date.now();
  const latest = await ctx.db.query("deliveries").withIndex("by_received_at").order("desc").first();
  const first = await ctx.db.query("deliveries").withIndex("by_received_at").first();
  const setUp = (await heartbeatSettings(ctx)) !== null;
  const returned = setUp ? await lastReturned(ctx) : null;
  const lastDeliveryAt = latest?.receivedAt ?? null;
  const lastReturnedAt = returned?.deliveredAt ?? null;
  const heard = [lastDeliveryAt, lastReturnedAt].filter((time) => time !== null);
  const outages = await ctx.db
    .query("outages")
    .withIndex("by_to", (q) => q.gte("to", now - thresholds.lookbackMs))
    .order("desc")
    .take(OUTAGES_KEPT);
  return {
    now,
    lastDeliveryAt,
    firstDeliveryAt: first?.receivedAt ?? null,
    lastHeardAt: heard.length > 0 ? Math.max(...heard) : null,
    heartbeat: { setUp, lastReturnedAt },
    outages: outages.map(({ from, to, healRunId, heal }) => ({ from, to, healRunId, heal })),
    thresholds,
  };
}

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

/** Ended runs read per mode: more than the 10 of each the sweep keeps. */
const ENDED_READ = 12;

/**
 * The passes that ran to their end (`done` or `incomplete`; a canceled run says nothing of what a
 * whole pass would repair) within the lookback, newest first.
 */
async function endedPasses(ctx: QueryCtx, { now, thresholds }: HealthFacts): Promise<Run[]> {
  const ended: Run[] = [];
  for (const mode of BACKFILL_MODES) {
    const runs = await ctx.db
      .query("backfillRuns")
      .withIndex("by_mode", (q) => q.eq("mode", mode))
      .order("desc")
      .take(ENDED_READ);
    ended.push(
      ...runs.filter(
        (run) =>
          (RAN_TO_END as readonly string[]).includes(run.status) &&
          run.finishedAt !== null &&
          run.finishedAt >= now - thresholds.lookbackMs,
      ),
    );
  }
  return ended.sort((a, b) => b.startedAt - a.startedAt);
}

/** The latest ended full pass and the latest ended incremental pass after it, newest first. */
function latestPasses(ended: Run[]): Run[] {
  const full = ended.find((run) => run.mode === "full");
  const incremental = ended.find((run) => run.mode === "incremental" && (!full || run.startedAt > full.startedAt));
  return [incremental, full].filter((run) => run !== undefined);
}
