import { makeFunctionReference } from "convex/server";
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from "../../src/client/heartbeat.js";
import { HEARTBEAT_METADATA_KEY } from "../../src/client/heartbeatMarker.js";
import type { SyncHealth } from "../../src/component/health.js";
import { HEARTBEATS_KEPT_MS, OUTAGES_KEPT } from "../../src/component/heartbeatRecords.js";
import { REFUSAL_WINDOW_MS, REFUSAL_WINDOWS_KEPT } from "../../src/component/refusals.js";
import { userUpdated } from "../../src/events/payloads.js";
import { signDelivery } from "../../src/events/sign.js";
import { deliver, inComponent, postDelivery, SECRET } from "../../tests/support/app.js";
import { startClerkApiStandIn } from "../../tests/support/clerkApiStandIn.js";
import { createApp } from "../lib/apps.js";
import { createExampleApp } from "../lib/exampleApp.js";
import { kb, num } from "../lib/format.js";
import { measure, type Cost } from "../lib/meter.js";
import { clerkEvent, typicalClerkUser } from "../lib/payloads.js";
import type { Section } from "./section.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const INTERVAL = DEFAULT_HEARTBEAT_INTERVAL_MS;
/** The default window: a heartbeat not back this long after it was sent makes the verdict silent. */
const WINDOW = 2 * INTERVAL;
/** Sunday 2026-05-03 00:00 UTC: the simulated night starts here; the route goes down at 03:00. */
const MIDNIGHT = Date.UTC(2026, 4, 3);
const DOWN_AT = MIDNIGHT + 3 * 60 * MINUTE;
/** When the verdict is read with every heartbeat table full: a fixed instant, not the wall clock. */
const AT_CAP_NOW = MIDNIGHT + 12 * 60 * MINUTE + 2 * MINUTE + 30_000;
/** How often the simulated on-call reads the verdict after the route went down. */
const POLL_MS = 15_000;
/** Index ranges one heartbeat delivery may read: it must not cost what a user's delivery costs. */
const MAX_RANGES = 2;

const ref = {
  setUp: makeFunctionReference<"mutation", { userId: string; created: boolean }>("heartbeat:setUp"),
  begin: makeFunctionReference<"mutation", { windowMs: number }, { userId: string; nonce: string } | null>(
    "heartbeat:begin",
  ),
  health: makeFunctionReference<"query", Record<string, never>, SyncHealth>("health:get"),
  send: makeFunctionReference<"action">("heartbeat:send"),
  setUpAction: makeFunctionReference<"action", Record<string, never>, { userId: string }>("heartbeat:setUp"),
};

type Reads = Pick<Cost, "functionCalls" | "indexRanges" | "docsRead" | "bytesRead" | "docsWritten">;
const reads = ({ functionCalls, indexRanges, docsRead, bytesRead, docsWritten }: Cost): Reads => ({
  functionCalls,
  indexRanges,
  docsRead,
  bytesRead,
  docsWritten,
});

export const heartbeatSection: Section = {
  key: "heartbeat",
  title: "8. The heartbeat: its cost, and how soon it sees an outage (simulated time)",
  deterministic: true,
  timings: [],
  async run() {
    const delivery = await deliveryCost();
    const atCap = await healthAtCap();
    const night = await simulatedNight();
    const line = (label: string, r: Reads) =>
      `${label}: ${r.functionCalls} fn call${r.functionCalls === 1 ? "" : "s"}, ${r.indexRanges} index range${r.indexRanges === 1 ? "" : "s"}, ${num(r.docsRead)} docs read (${kb(r.bytesRead)} KB), ${r.docsWritten} written`;
    return {
      lines: [
        `Default interval ${num(INTERVAL / MINUTE)} min, window ${num(WINDOW / MINUTE)} min. A simulated night on the example app, its`,
        "  ClerkHeartbeat sending to the Clerk stand-in and each heartbeat's user.updated signed to the route.",
        `Clerk requests: ${night.clerkRequestsPerSend} per send (${night.sends} sends counted), so ${num(night.clerkRequestsPerDay)} a day at the default interval.`,
        line("One heartbeat delivery (steady state)", delivery.returned),
        line("Its redelivery by Svix", delivery.duplicate),
        `  at most ${MAX_RANGES} index ranges (checked); never a user row, a delivery row or a hook call.`,
        `getSyncHealth with the heartbeat's tables at their caps (${num(atCap.stored.heartbeats)} round trips = 2 days at the default`,
        `  interval, ${atCap.stored.outages} outages, ${atCap.stored.refusalWindows} refused-signature windows):`,
        line(`  heartbeats back, verdict ${atCap.ok.verdict}`, atCap.ok),
        line(`  heartbeats overdue, requests refused, verdict ${atCap.overdue.verdict}`, atCap.overdue),
        `Outage: the route unmounted at ${night.outage.downAt} UTC on a quiet night, the verdict read every ${num(POLL_MS / 1000)} s:`,
        `  silent from ${night.outage.silentAt} UTC, ${num(night.outage.silentAfterSeconds / 60, 2)} min after (${num(night.outage.intervals, 2)} intervals).`,
        `  ${night.outage.reason}`,
      ],
      json: { intervalMs: INTERVAL, windowMs: WINDOW, ...night, delivery, healthAtCap: atCap },
    };
  },
};

/** One heartbeat's `user.updated` through the bench host's route, after one came back: what it reads and writes. */
async function deliveryCost() {
  const app = createApp("ours", { counted: true });
  const userId = "user_2heartbeatBench0000000000";
  await inComponent(app.t, (ctx) => ctx.runMutation(ref.setUp, { userId, created: true }));
  const roundTrip = async () => {
    const begun = await inComponent(app.t, (ctx) => ctx.runMutation(ref.begin, { windowMs: WINDOW }));
    const user = typicalClerkUser({
      id: userId,
      private_metadata: { [HEARTBEAT_METADATA_KEY]: { nonce: begun!.nonce } },
    });
    return signDelivery(clerkEvent("user.updated", user), SECRET);
  };
  const send = async (signed: ReturnType<typeof signDelivery>, expected: string) => {
    const { status, body } = await postDelivery(app.t, signed);
    if (status !== 200 || body.heartbeat !== expected) {
      throw new Error(`heartbeat: answered ${status} ${JSON.stringify(body)}, expected ${expected}`);
    }
  };
  await send(await roundTrip(), "returned");
  const signed = await roundTrip();
  const returned = reads(await measure(() => send(signed, "returned")));
  const duplicate = reads(await measure(() => send(signed, "duplicate")));
  if (returned.indexRanges > MAX_RANGES)
    throw new Error(`heartbeat: ${returned.indexRanges} index ranges per delivery`);
  const stored = await inComponent(app.t, async (ctx) => ({
    users: (await ctx.db.query("users").collect()).length,
    deliveries: (await ctx.db.query("deliveries").collect()).length,
  }));
  if (stored.users + stored.deliveries > 0) throw new Error(`heartbeat: stored ${JSON.stringify(stored)}`);
  return { returned, duplicate };
}

/** The verdict's reads with every heartbeat table full: back in time, and overdue with refused requests. */
async function healthAtCap() {
  const stored = {
    heartbeats: HEARTBEATS_KEPT_MS / INTERVAL,
    outages: OUTAGES_KEPT,
    refusalWindows: REFUSAL_WINDOWS_KEPT,
  };
  const verdictAt = async (overdue: boolean) => {
    // One instant for the seed and the read: which refusal windows the verdict reads depends on
    // where the clock stands in a window, so the figures would follow the wall clock otherwise.
    const realNow = Date.now;
    Date.now = () => AT_CAP_NOW;
    try {
      const app = createApp("ours", { counted: true });
      await seedAtCap(app.t, stored, overdue);
      let health: SyncHealth | null = null;
      const cost = await measure(async () => {
        health = await inComponent(app.t, (ctx) => ctx.runQuery(ref.health, {}));
      });
      return { verdict: health!.verdict, rules: health!.reasons.map((reason) => reason.rule), ...reads(cost) };
    } finally {
      Date.now = realNow;
    }
  };
  const ok = await verdictAt(false);
  const overdue = await verdictAt(true);
  if (ok.verdict !== "ok" || overdue.verdict !== "silent") {
    throw new Error(`heartbeat: verdicts ${ok.verdict} and ${overdue.verdict} at the caps, expected ok and silent`);
  }
  return { stored, ok, overdue };
}

async function seedAtCap(
  t: object,
  stored: { heartbeats: number; outages: number; refusalWindows: number },
  overdue: boolean,
) {
  const now = Date.now();
  await inComponent(t, async ({ db }) => {
    await db.insert("heartbeatSettings", {
      userId: "user_2heartbeat",
      deploymentId: "0123456789abcdef",
      created: true,
      setUpAt: now - 3 * DAY,
    });
    for (let i = 0; i < stored.heartbeats; i++) {
      // Overdue: the newest three not back, the oldest of them past its window.
      const sentAt = now - (overdue ? i + 1 : i) * INTERVAL;
      const back = !overdue || i >= 3;
      const nonce = `0123456789abcdef.${String(i).padStart(32, "0")}`;
      await db.insert("heartbeats", {
        nonce,
        sentAt,
        expectBy: sentAt + WINDOW,
        deliveredAt: back ? sentAt + 2_000 : null,
        error: null,
      });
    }
    for (let i = 0; i < stored.outages; i++) {
      const to = now - DAY - i * 60 * MINUTE;
      await db.insert("outages", { from: to - 20 * MINUTE, to, healRunId: null, heal: "no backfill configured" });
    }
    const window = now - (now % REFUSAL_WINDOW_MS);
    for (let i = 0; i < stored.refusalWindows; i++) {
      const windowStart = window - i * REFUSAL_WINDOW_MS;
      await db.insert("signatureRefusals", { windowStart, count: 3, lastAt: Math.min(now, windowStart + 1_000) });
    }
  });
}

/**
 * The example app's heartbeat on a fake clock (Date.now): sent every interval from midnight, each
 * brought back through the route until 03:00, when the route goes; then the verdict read every
 * `POLL_MS` until it is silent.
 */
async function simulatedNight() {
  const realNow = Date.now;
  let clock = MIDNIGHT;
  Date.now = () => clock;
  const clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = "sk_test_bench_standin_0123456789";
  try {
    const t = createExampleApp();
    const { userId } = await t.action(ref.setUpAction, {});
    const before = clerkApi.requests.length;
    let sends = 0;
    const beat = async (routeUp: boolean) => {
      await t.action(ref.send, {});
      sends++;
      if (!routeUp) return;
      const { status } = await deliver(t, userUpdated({ ...clerkApi.users.get(userId)! }), {
        timestamp: new Date(clock),
      });
      if (status !== 200) throw new Error(`heartbeat: the route answered ${status}`);
    };
    for (; clock < DOWN_AT; clock += INTERVAL) await beat(true);
    const health = () => inComponent(t, (ctx) => ctx.runQuery(ref.health, {}));
    const beforeDown = await health();
    if (beforeDown.verdict !== "ok") throw new Error(`heartbeat: ${beforeDown.verdict} before the outage`);
    const clerkRequestsPerSend = (clerkApi.requests.length - before) / sends;
    let verdict = beforeDown;
    for (clock = DOWN_AT; verdict.verdict !== "silent"; clock += POLL_MS) {
      if (clock > DOWN_AT + 6 * INTERVAL) throw new Error("heartbeat: not silent 6 intervals into the outage");
      if ((clock - MIDNIGHT) % INTERVAL === 0) await beat(false);
      verdict = await health();
    }
    const silentAt = clock - POLL_MS;
    const silentAfterSeconds = (silentAt - DOWN_AT) / 1000;
    return {
      sends,
      clerkRequestsPerSend,
      clerkRequestsPerDay: (clerkRequestsPerSend * DAY) / INTERVAL,
      outage: {
        /** Times of day, UTC, of the simulated Sunday night. */
        downAt: timeOfDay(DOWN_AT),
        pollSeconds: POLL_MS / 1000,
        silentAt: timeOfDay(silentAt),
        silentAfterSeconds,
        intervals: (silentAfterSeconds * 1000) / INTERVAL,
        rule: verdict.reasons[0]!.rule,
        reason: verdict.reasons[0]!.message,
      },
    };
  } finally {
    Date.now = realNow;
    await clerkApi.close();
  }
}

/** "03:10:15" (UTC). */
function timeOfDay(time: number) {
  return new Date(time).toISOString().slice(11, 19);
}
