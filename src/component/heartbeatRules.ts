// The heartbeat's rules: a round trip through Clerk, Svix and the route that has not come back
// is `silent` at any hour, with its cause named from the refused signatures; an outage a
// returning heartbeat ended is `degraded` while its heal pass runs, or until a full pass when it
// outlasted Svix's retries.
import type { QueryCtx } from "./_generated/server.js";
import { RAN_TO_END } from "./backfill/run.js";
import type { HealthFacts, HealthReason } from "./health.js";
import { HEARTBEATS_READ, newestHeartbeats, SVIX_RETRY_SPAN_MS } from "./heartbeatRecords.js";
import { count, duration, isAfterLastHeard, noDelivery, when } from "./healthWords.js";
import { refusalsSince } from "./refusals.js";

/** Requests refused since the webhook was last heard from, as the cause's words; null when none. */
async function refusedSince(ctx: QueryCtx, facts: HealthFacts) {
  const refused = await refusalsSince(ctx, facts.lastHeardAt ?? facts.now - facts.thresholds.lookbackMs);
  return refused.count === 0 ? null : refused;
}

/**
 * The oldest heartbeat sent after the newest that came back, past its window: `silent`, with its
 * cause: requests refused for their signature since, or none (no request reaches the route).
 * `degraded` when the newest sends failed (Clerk refused the write) or none was sent for two windows.
 */
export async function heartbeatRule(ctx: QueryCtx, facts: HealthFacts): Promise<HealthReason[]> {
  if (!facts.heartbeat.setUp) return [];
  const all = await newestHeartbeats(ctx);
  const rows = all.filter((row) => row.error === null);
  const { now } = facts;
  const failing = all[0]?.error ? all[0] : null;
  if (failing) {
    const message = `the heartbeat could not be sent at ${when(failing.sentAt)}: ${failing.error}`;
    return [{ rule: "heartbeat", verdict: "degraded", message, count: 1 }];
  }
  const returnedAt = rows.findIndex((row) => row.deliveredAt !== null);
  const unanswered = returnedAt < 0 ? rows : rows.slice(0, returnedAt);
  const oldest = unanswered.at(-1);
  if (oldest && now > oldest.expectBy) {
    const capped = returnedAt < 0 && all.length === HEARTBEATS_READ;
    const refused = await refusedSince(ctx, facts);
    const cause = refused
      ? `requests reach the route and fail their signature: ${count(refused.count, "request", "requests")} refused since ` +
        `${when(refused.firstWindow!)}; the signing secret (CLERK_WEBHOOK_SECRET) is not the endpoint's`
      : "nothing was refused: no request reaches the route (is it mounted at the endpoint's URL, the endpoint " +
        "enabled and subscribed to user.updated?)";
    const message =
      `the heartbeat sent at ${when(oldest.sentAt)} has not come back after ${duration(now - oldest.sentAt)} ` +
      `(${count(unanswered.length, "heartbeat", "heartbeats", capped)} unanswered); ${cause}`;
    return [{ rule: "heartbeat", verdict: "silent", message, count: unanswered.length }];
  }
  const last = rows[0];
  const window = last ? last.expectBy - last.sentAt : 0;
  if (!last || now - last.sentAt > 2 * window + window / 2) {
    const since = last ? `since ${when(last.sentAt)}` : "since it was set up";
    const message = `no heartbeat was sent ${since}: is the cron that runs its send action running?`;
    return [{ rule: "heartbeat", verdict: "degraded", message, count: 0 }];
  }
  return [];
}

/**
 * Requests refused for their signature after the webhook was last heard from. With the heartbeat:
 * `silent` while it is overdue (every delivery is refused), nothing while heartbeats come back (a
 * forged flood changes nothing). Without it, anyone can send a refused request: `degraded` from
 * `failedDeliveries` of them, naming the likely cause; the other rules tell whether Clerk's stopped.
 */
export async function signatureRefusalsRule(
  ctx: QueryCtx,
  facts: HealthFacts,
  heartbeatOverdue: boolean,
): Promise<HealthReason[]> {
  if (facts.heartbeat.setUp && !heartbeatOverdue) return [];
  const refused = await refusedSince(ctx, facts);
  if (!refused || !isAfterLastHeard(refused.lastAt!, facts)) return [];
  if (!heartbeatOverdue && refused.count < facts.thresholds.failedDeliveries) return [];
  const message =
    `${count(refused.count, "request was", "requests were")} refused for their signature since ` +
    `${when(refused.firstWindow!)} (the latest at ${when(refused.lastAt!)}) and ${noDelivery(facts)}: ` +
    "CLERK_WEBHOOK_SECRET is not the endpoint's signing secret (or the requests are forged)";
  return [
    { rule: "signatureRefusals", verdict: heartbeatOverdue ? "silent" : "degraded", message, count: refused.count },
  ];
}

/**
 * The newest outage a heartbeat ended: `degraded` while its heal pass runs; when it outlasted
 * Svix's retries (the changes of its start were dropped), until a full pass started after it ends.
 */
export async function outageRule(ctx: QueryCtx, facts: HealthFacts): Promise<HealthReason[]> {
  const outage = facts.outages[0];
  if (!outage) return [];
  const span = `the webhook was unreachable from ${when(outage.from)} to ${when(outage.to)} (${duration(outage.to - outage.from)})`;
  if (outage.to - outage.from > SVIX_RETRY_SPAN_MS) {
    const fullAfter = await fullPassEndedAfter(ctx, outage.to);
    if (fullAfter) return [];
    const message =
      `${span}, longer than Svix retries a message (about 28 h): the changes of its first ` +
      `${duration(outage.to - outage.from - SVIX_RETRY_SPAN_MS)} were dropped; a full pass started after it clears this (${outage.heal})`;
    return [{ rule: "outage", verdict: "degraded", message, count: 1 }];
  }
  const id = outage.healRunId && ctx.db.normalizeId("backfillRuns", outage.healRunId);
  const heal = id ? await ctx.db.get("backfillRuns", id) : null;
  if (heal?.status !== "running") return [];
  const message = `${span}; the ${heal.mode} pass started at ${when(heal.startedAt)} is repairing what it missed`;
  return [{ rule: "outage", verdict: "degraded", message, count: 1 }];
}

async function fullPassEndedAfter(ctx: QueryCtx, time: number) {
  for (const status of RAN_TO_END) {
    const run = await ctx.db
      .query("backfillRuns")
      .withIndex("by_mode_and_status", (q) => q.eq("mode", "full").eq("status", status))
      .order("desc")
      .first();
    if (run && run.startedAt >= time) return true;
  }
  return false;
}
