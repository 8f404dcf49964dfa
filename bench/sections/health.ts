import { makeFunctionReference } from "convex/server";
import { START } from "../../src/component/backfill/paging.js";
import { noCounts } from "../../src/component/backfill/run.js";
import type { BackfillMode } from "../../src/component/backfillValidators.js";
import type { SyncHealth } from "../../src/component/health.js";
import { inComponent } from "../../tests/support/app.js";
import { createApp } from "../lib/apps.js";
import { createExampleApp } from "../lib/exampleApp.js";
import { kb, num } from "../lib/format.js";
import { measure } from "../lib/meter.js";
import { median } from "../lib/stats.js";
import { recordUserTime } from "../lib/userTime.js";
import type { Section } from "./section.js";

const HOUR = 60 * 60 * 1000;
/** Each at or past what one call reads: the newest 100 fallbacks, 50 failures, 2 runs of each mode. */
const SEEDED = { deliveries: 1_000, fallbacks: 150, failures: 60, runsPerMode: 12 };
/** Calls timed, after one untimed. */
const CALLS = 5;
const health = makeFunctionReference<"query", Record<string, never>, SyncHealth>("health:get");

export const healthSection: Section = {
  key: "health",
  title: "7. getSyncHealth at its bounds: what one call reads, and its user-code time",
  deterministic: true,
  timings: ["userMs"],
  async run({ deterministic }) {
    const counted = createApp("ours", { counted: true });
    await seed(counted.t);
    const verdict = (await inComponent(counted.t, (ctx) => ctx.runQuery(health, {}))) as SyncHealth;
    const rules = verdict.reasons.map(({ rule, count }) => `${rule} ${count}`).join(", ");
    const found = new Set(verdict.reasons.map(({ rule }) => rule));
    if (found.size !== 4) throw new Error(`health: every rule should find something, found ${rules}`);
    const cost = await measure(async () => void (await inComponent(counted.t, (ctx) => ctx.runQuery(health, {}))));

    const userMs = deterministic ? null : await timeCalls();
    const { indexRanges, docsRead, bytesRead, docsWritten } = cost;
    return {
      lines: [
        `Seeded: ${num(SEEDED.deliveries)} deliveries, ${SEEDED.fallbacks} sign-up fallbacks, ${SEEDED.failures} failed`,
        `  deliveries and both secret failures, ${SEEDED.runsPerMode} ended runs of each mode (the latest with repairs).`,
        `  Verdict: ${verdict.verdict} (${rules}).`,
        `One call: ${num(indexRanges)} index ranges, ${num(docsRead)} documents read (${kb(bytesRead)} KB), ${docsWritten} written.`,
        userMs
          ? `User-code time (rules layer, ${CALLS} calls): median ${num(median(userMs), 1)} ms, max ${num(Math.max(...userMs), 1)} ms, against 1 s.`
          : "User-code time: not timed (--deterministic).",
      ],
      json: {
        seeded: SEEDED,
        verdict: verdict.verdict,
        indexRanges,
        docsRead,
        bytesRead,
        docsWritten,
        ...(userMs && { userMs }),
      },
    };
  },
};

/** User-code time of `CALLS` calls in the example app under the rules layer, after one untimed. */
async function timeCalls(): Promise<number[]> {
  const timedApp = createExampleApp();
  await seed(timedApp);
  const times = [];
  for (let i = -1; i < CALLS; i++) {
    const recorded = await recordUserTime(
      async () => void (await inComponent(timedApp, (ctx) => ctx.runQuery(health, {}))),
    );
    if (i >= 0) times.push(...recorded.filter(({ name }) => name.endsWith("health:get")));
  }
  return times.map((time) => time.userMs * time.cpuShare);
}

/** Everything each rule reads, at or past its bound, with every rule finding something. */
async function seed(t: object) {
  const now = Date.now();
  await inComponent(t, async ({ db }) => {
    for (let i = 0; i < SEEDED.deliveries; i++) {
      await db.insert("deliveries", {
        svixId: `msg_seeded_${i}`,
        eventType: "user.created",
        outcome: "inserted",
        receivedAt: now - 10 * HOUR - i,
      });
    }
    // Half of them followed by their user.created, half not.
    for (let i = 0; i < SEEDED.fallbacks; i++) {
      const followed = i % 2 === 1;
      const clerkId = followed ? `user_seeded_${i}` : `user_unfollowed_${i}`;
      await db.insert("signUpFallbacks", { clerkId, storedAt: now - 2 * HOUR - i, followed });
    }
    for (let i = 0; i < SEEDED.failures; i++) {
      const failure = { svixId: `msg_failed_${i}`, eventType: "user.updated", reason: "apply_failed" as const };
      await db.insert("deliveryFailures", { ...failure, failedAt: now - HOUR - i, occurrences: 1 });
    }
    for (const reason of ["no_signing_secret", "malformed_signing_secret"] as const) {
      await db.insert("deliveryFailures", {
        svixId: "msg",
        eventType: null,
        reason,
        failedAt: now - HOUR,
        occurrences: 9,
      });
    }
    for (let i = SEEDED.runsPerMode - 1; i >= 0; i--) {
      // The incremental pass a minute after the full one: both count.
      await db.insert("backfillRuns", endedRun("full", now - i * HOUR - 60_000, i === 0));
      await db.insert("backfillRuns", endedRun("incremental", now - i * HOUR, i === 0));
    }
  });
}

function endedRun(mode: BackfillMode, startedAt: number, repaired: boolean) {
  const counts = noCounts();
  if (repaired)
    counts.byKind.users = {
      ...counts.byKind.users,
      inserted: 5,
      repaired: 5,
      deleted: 2,
      lastMissed: startedAt - HOUR,
    };
  return {
    status: "done" as const,
    mode,
    stages: [{ kind: "users" as const, step: "list" as const }],
    stageIndex: 0,
    organizations: false,
    billing: false,
    planFeatures: [],
    startedAt,
    finishedAt: startedAt + 60_000,
    baseline: [],
    pageSize: 500,
    reconcile: mode === "full",
    msPerRequest: 200,
    ...START,
    updatedSince: null,
    reconcileCursor: null,
    counts,
    clerkTotal: null,
    shortfalls: [],
    lastError: null,
    step: "function://step",
    hooks: {},
    token: 1,
    scheduledStep: null,
    watchdog: null,
  };
}
