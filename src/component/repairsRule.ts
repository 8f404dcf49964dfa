// The backfill's rule: what the passes repaired (objects stored or removed that no webhook had
// brought) says whether the webhook missed changes, and which kinds.
import type { QueryCtx } from "./_generated/server.js";
import { BACKFILL_KINDS, type BackfillKind } from "./backfillValidators.js";
import type { Run } from "./backfill/source.js";
import type { HealthFacts, HealthReason, PassRepairs } from "./health.js";
import { count, join, noDelivery, when } from "./healthWords.js";

/** A pass that only removed objects (a deletion has no date): were deliveries applied in the day before it? */
const REMOVALS_WINDOW_MS = 24 * 60 * 60 * 1000;

type KindRepairs = PassRepairs["repaired"][number];

/** What one ended pass repaired, per kind, and the latest change it repaired. */
export function passRepairs(run: Run, kinds: readonly BackfillKind[] = BACKFILL_KINDS): PassRepairs {
  const repaired = kinds
    .map((kind) => {
      const { repaired: stored, deleted: removed } = run.counts.byKind[kind];
      return { kind, stored, removed };
    })
    .filter(({ stored, removed }) => stored + removed > 0);
  const missed = kinds.flatMap((kind) => run.counts.byKind[kind].lastMissed ?? []);
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

const total = ({ repaired }: PassRepairs) => repaired.reduce((sum, { stored, removed }) => sum + stored + removed, 0);

/**
 * `silent`: the newest of the ended passes (newest first) that repaired at least `repairedObjects`
 * objects, one of them changed in Clerk after the webhook was last heard from (or none is on
 * record); it stays raised until a delivery or a heartbeat comes, whatever later passes find.
 * `degraded`: for each kind, the newest pass that listed it (for its stores) and the newest that
 * reconciled it (for its removals) decide; their repairs count while other deliveries were applied
 * between the missed change and the pass, and no outage explains it: a kind the endpoint misses.
 */
export async function backfillRepairsRule(ctx: QueryCtx, runs: Run[], facts: HealthFacts): Promise<HealthReason[]> {
  const reasons: HealthReason[] = [];
  const { lastHeardAt, thresholds } = facts;
  const silent = runs
    .map((run) => passRepairs(run))
    .find((pass) => {
      if (total(pass) < thresholds.repairedObjects) return false;
      return lastHeardAt === null || (pass.lastMissed !== null && pass.lastMissed > lastHeardAt);
    });
  if (silent) {
    const late = silent.lastMissed !== null ? `, changed in Clerk as late as ${when(silent.lastMissed)}` : "";
    const message = `${noDelivery(facts)}, yet ${what(silent)}${late}`;
    reasons.push({ rule: "backfillRepairs", verdict: "silent", message, count: total(silent) });
  }
  for (const [run, kinds] of standingKinds(runs)) {
    if (run._id === silent?.runId) continue;
    const pass = passRepairs(run, kinds);
    if (total(pass) < thresholds.repairedObjects) continue;
    const missed = pass.lastMissed ?? pass.startedAt - REMOVALS_WINDOW_MS;
    if (facts.outages.some((outage) => missed >= outage.from && missed <= outage.to)) continue;
    if (!(await heardBetween(ctx, missed, pass.startedAt))) continue;
    const message = `${what(pass)}, while other deliveries were applied: is the endpoint subscribed to those events?`;
    reasons.push({ rule: "backfillRepairs", verdict: "degraded", message, count: total(pass) });
  }
  return reasons;
}

/** For each pass, the kinds it is the newest to have listed or reconciled (which decide the kind's repairs). */
function standingKinds(runs: Run[]): Map<Run, BackfillKind[]> {
  const standing = new Map<Run, BackfillKind[]>();
  for (const kind of BACKFILL_KINDS) {
    for (const step of ["list", "reconcile"] as const) {
      const run = runs.find((candidate) => candidate.stages.some((s) => s.kind === kind && s.step === step));
      if (!run) continue;
      const kinds = standing.get(run) ?? [];
      if (!kinds.includes(kind)) standing.set(run, [...kinds, kind]);
    }
  }
  return standing;
}

/** Whether a delivery was applied, or a heartbeat came back, between the two times. */
async function heardBetween(ctx: QueryCtx, from: number, to: number) {
  const delivery = await ctx.db
    .query("deliveries")
    .withIndex("by_received_at", (q) => q.gt("receivedAt", from).lt("receivedAt", to))
    .first();
  if (delivery) return true;
  const heartbeat = await ctx.db
    .query("heartbeats")
    .withIndex("by_deliveredAt", (q) => q.gt("deliveredAt", from).lt("deliveredAt", to))
    .first();
  return heartbeat !== null;
}

/** "the full pass of 2026-05-02 04:23 UTC stored 37 users and removed 4 users that webhooks never delivered". */
function what(pass: PassRepairs) {
  return `the ${pass.mode} pass of ${when(pass.startedAt)} ${repairs(pass.repaired)} that webhooks never delivered`;
}

/** "stored 37 users and 2 memberships and removed 4 users". */
function repairs(repaired: KindRepairs[]) {
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
