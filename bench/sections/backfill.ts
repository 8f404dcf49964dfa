import { makeFunctionReference } from "convex/server";
import { getDocumentSize, type GenericId, type Value } from "convex/values";
import type { UserOverrides } from "../../src/events/payloads.js";
import { startClerkApiStandIn } from "../../tests/support/clerkApiStandIn.js";
import { BENCH_REQUESTS_PER_10_SECONDS } from "../host/convex/backfill.js";
import { createApp } from "../lib/apps.js";
import { kb, num, table } from "../lib/format.js";
import { measure, type Cost } from "../lib/meter.js";
import { typicalClerkUser } from "../lib/payloads.js";
import type { Section } from "./section.js";

/** Users in Clerk (the stand-in) per run; convex-test slows as tables grow, so each is reported. */
const SIZES = [2_000, 5_000];
const WARMUP = 1_000;
const PER = 10_000;
const PROJECTED = 100_000;
/** Clerk's Backend API rate limit on production instances, and the package's default pace. */
const PRODUCTION_PER_10S = 1_000;
const DEFAULT_PER_10S = 50;
const SECRET_KEY = "sk_test_bench_standin_0123456789";

const CONFIGS = {
  usersOnly: { start: "backfill:startLean", label: "reconcile: false" },
  withReconcile: { start: "backfill:startFull", label: "default (reconcile)" },
} as const;
type ConfigName = keyof typeof CONFIGS;

/** Counts that do not depend on the machine: compared with the previous results.json. */
type Counts = {
  users: number;
  pages: number;
  clerkRequests: number;
  componentMutations: number;
  componentQueries: number;
  hostActions: number;
  hostMutations: number;
  indexRanges: number;
  docsRead: number;
  docsWritten: number;
  scheduled: number;
  /** Steps that failed and were retried (retryLater) or restarted (watchdog): 0 on a clean run. */
  retries: number;
};
type RunResult = {
  counts: Counts;
  /** Function calls by name, as observed. */
  calls: Record<string, number>;
  /** Bytes of the documents written (ids carry random characters, so not compared between runs). */
  bytesWritten: number;
  /** From the run's own startedAt / finishedAt, in convex-test. */
  runSeconds: number;
  usersPerSecond: number;
};

export const backfillSection: Section = {
  key: "backfill",
  title: "4. Backfill",
  async run() {
    // Untimed: loads the modules (@clerk/backend among them) and warms the JIT up, so the
    // first measured run does not pay for it.
    await runBackfill("withReconcile", WARMUP);
    const results = {} as Record<ConfigName, Record<number, RunResult>>;
    for (const config of Object.keys(CONFIGS) as ConfigName[]) {
      results[config] = {};
      for (const size of SIZES) results[config][size] = await runBackfill(config, size);
    }
    const per10k = Object.fromEntries(
      (Object.keys(CONFIGS) as ConfigName[]).map((config) => [config, extrapolate(results[config], PER)]),
    ) as Record<ConfigName, Counts>;
    const projected = extrapolate(results.usersOnly, PROJECTED);
    const requestsPerPage = projected.clerkRequests / projected.pages;
    const rateBoundSeconds = (rate: number) => (projected.clerkRequests * 10) / rate;
    return {
      lines: report(results, per10k, projected, requestsPerPage, rateBoundSeconds),
      json: {
        sizes: SIZES,
        paceRequestsPer10Seconds: BENCH_REQUESTS_PER_10_SECONDS,
        counts: Object.fromEntries(
          (Object.keys(CONFIGS) as ConfigName[]).map((config) => [
            config,
            {
              ...Object.fromEntries(SIZES.map((size) => [size, results[config][size].counts])),
              per10k: per10k[config],
            },
          ]),
        ),
        perFullPage: perFullPage(results.usersOnly),
        runs: results,
        projection100k: {
          users: PROJECTED,
          pages: projected.pages,
          clerkRequests: projected.clerkRequests,
          requestsPerPage,
          rateLimitBoundSeconds: { production1000Per10s: rateBoundSeconds(PRODUCTION_PER_10S), default50Per10s: rateBoundSeconds(DEFAULT_PER_10S) },
          reconcileSteps: extrapolate(results.withReconcile, PROJECTED).hostActions - projected.hostActions,
          includes: "the rate limit only (requests ÷ 100/s), equal to the component's pacing at that rate",
          excludes:
            "each step's own time on a deployment (action start, Clerk's response, plan query, applyPage mutation, scheduling): not measurable in convex-test",
        },
      },
    };
  },
};

/** One backfill of `size` users from the stand-in into a fresh app, counted from start to the last scheduled function. */
async function runBackfill(config: ConfigName, size: number): Promise<RunResult> {
  const clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = SECRET_KEY;
  try {
    clerkApi.addUsers(size, () => typicalFields());
    const app = createApp("ours", { counted: true });
    // The bench's own look-ups at the run (normally one, when everything has settled),
    // so they can be taken out of the counts: one db.get each.
    const polls = { count: 0, bytes: 0 };
    let runId = "";
    type Run = { status: string; startedAt: number; finishedAt: number | null; pages: number; requests: number; seen: number; inserted: number; lastError: string | null };
    let run: Run | null = null;
    const cost = await measure(async () => {
      const started = (await app.t.mutation(makeFunctionReference<"mutation">(CONFIGS[config].start), {})) as { run: { runId: string } };
      runId = started.run.runId;
      for (let round = 0; round < 100; round++) {
        // With real timers convex-test starts each step from its own timer (1 ms per request
        // here): this returns once nothing runs and nothing is due for 20 event-loop turns.
        await app.t.finishAllScheduledFunctions(() => {}, 1_000_000);
        const doc = await app.inComponent((ctx) => ctx.db.get(runId as GenericId<"backfillRuns">));
        polls.count++;
        polls.bytes += doc ? getDocumentSize(doc as Record<string, Value>) : 0;
        run = doc as unknown as Run | null;
        if (run?.status !== "running") return;
      }
      throw new Error(`backfill ${config} ${size}: still running after 100 rounds`);
    });
    const done = run as Run | null;
    if (!done || done.status !== "done" || done.finishedAt === null) throw new Error(`backfill ${config} ${size}: ended ${done?.status}`);
    if (done.seen !== size || done.inserted !== size || done.lastError !== null) {
      throw new Error(`backfill ${config} ${size}: seen ${done.seen}, inserted ${done.inserted}, lastError ${done.lastError}`);
    }
    if (clerkApi.requests.length !== done.requests) {
      throw new Error(`backfill: the run counted ${done.requests} Clerk requests, the stand-in saw ${clerkApi.requests.length}`);
    }
    // Checked after the measurement: every user stored once, nothing left of the run's bookkeeping.
    const left = await app.inComponent(async (ctx) => ({
      users: (await ctx.db.query("users").collect()).length,
      seen: (await ctx.db.query("backfillSeen").take(1)).length,
    }));
    if (left.users !== size || left.seen !== 0) throw new Error(`backfill ${config} ${size}: ${left.users} users stored, ${left.seen ? "some" : "no"} backfillSeen rows left`);

    const calls = tally(cost);
    const sum = (kind: string, app: string) =>
      Object.entries(calls)
        .filter(([name]) => name.startsWith(`${kind} ${app}:`))
        .reduce((total, [, n]) => total + n, 0);
    const runSeconds = (done.finishedAt - done.startedAt) / 1000;
    return {
      counts: {
        users: size,
        pages: done.pages,
        clerkRequests: done.requests,
        componentMutations: sum("mutation", "clerk"),
        componentQueries: sum("query", "clerk"),
        hostActions: sum("action", "app"),
        hostMutations: sum("mutation", "app"),
        indexRanges: cost.indexRanges - polls.count,
        docsRead: cost.docsRead - polls.count,
        docsWritten: cost.docsWritten,
        scheduled: cost.scheduled,
        retries: (calls["mutation clerk:backfill:retryLater"] ?? 0) + (calls["mutation clerk:backfill:watchdog"] ?? 0),
      },
      calls,
      bytesWritten: cost.bytesWritten,
      runSeconds,
      usersPerSecond: size / runSeconds,
    };
  } finally {
    await clerkApi.close();
  }
}

/** A ~3 KB user, as section 1 delivers, minus what the stand-in assigns (id, creation order). */
function typicalFields(): UserOverrides {
  const { id: _id, created_at: _created, updated_at: _updated, ...fields } = typicalClerkUser();
  return fields as UserOverrides;
}

/** Function calls by name (`mutation clerk:backfill:applyPage`), from the meter's trace. */
function tally(cost: Cost): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const step of cost.trace) {
    if (/^(query|mutation|action|http) /.test(step)) calls[step] = (calls[step] ?? 0) + 1;
  }
  return calls;
}

/**
 * Counts at `users`, on the straight line through the two measured sizes. Every count
 * here is linear in the users for multiples of 1,000 (a step per 500-user page, one per
 * 100 users reconciled, one cleanup per 1,000), so this is exact there, not a fit.
 */
function extrapolate(runs: Record<number, RunResult>, users: number): Counts {
  const [a, b] = SIZES;
  const out = {} as Counts;
  for (const key of Object.keys(runs[a].counts) as (keyof Counts)[]) {
    const slope = (runs[b].counts[key] - runs[a].counts[key]) / (b - a);
    out[key] = Math.round(runs[b].counts[key] + slope * (users - b));
  }
  return out;
}

/** What one more full page costs: the difference between the two sizes, per page. */
function perFullPage(runs: Record<number, RunResult>) {
  const [a, b] = SIZES.map((size) => runs[size]);
  const pages = b.counts.pages - a.counts.pages;
  const per = (key: "clerkRequests" | "indexRanges" | "docsRead" | "docsWritten") => (b.counts[key] - a.counts[key]) / pages;
  return {
    clerkRequests: per("clerkRequests"),
    indexRanges: per("indexRanges"),
    docsRead: per("docsRead"),
    docsWritten: per("docsWritten"),
    bytesWritten: (b.bytesWritten - a.bytesWritten) / pages,
  };
}

function report(
  results: Record<ConfigName, Record<number, RunResult>>,
  per10k: Record<ConfigName, Counts>,
  projected: Counts,
  requestsPerPage: number,
  rateBoundSeconds: (rate: number) => number,
): string[] {
  const rows = [
    ["run", "users", "pages", "Clerk req", "comp. mutations", "comp. queries", "steps", "docs read", "docs written", "s", "users/s"],
  ];
  for (const config of Object.keys(CONFIGS) as ConfigName[]) {
    for (const size of SIZES) {
      const { counts: c, runSeconds, usersPerSecond } = results[config][size];
      rows.push([
        CONFIGS[config].label,
        num(size),
        num(c.pages),
        num(c.clerkRequests),
        num(c.componentMutations),
        num(c.componentQueries),
        num(c.hostActions),
        num(c.docsRead),
        num(c.docsWritten),
        num(runSeconds, 1),
        num(usersPerSecond),
      ]);
    }
    const c = per10k[config];
    rows.push([
      `  per ${num(PER)} (extrapolated)`,
      num(PER),
      num(c.pages),
      num(c.clerkRequests),
      num(c.componentMutations),
      num(c.componentQueries),
      num(c.hostActions),
      num(c.docsRead),
      num(c.docsWritten),
      "",
      "",
    ]);
  }
  const callsOf = (config: ConfigName) =>
    Object.entries(results[config][SIZES[1]].calls)
      .map(([name, n]) => `${name.replace(/^(\w+) (app|clerk):/, "$2:")} ${num(n)}`)
      .join(", ");
  const page = perFullPage(results.usersOnly);
  const retries = (Object.keys(CONFIGS) as ConfigName[]).flatMap((config) =>
    SIZES.filter((size) => results[config][size].counts.retries > 0).map(
      (size) => `${CONFIGS[config].label} at ${num(size)}: ${results[config][size].counts.retries}`,
    ),
  );
  return [
    `Backfills of ${SIZES.map((size) => num(size)).join(" and ")} ~3 KB users from tests/support/clerkApiStandIn.ts (a local HTTP`,
    "stand-in for Clerk's Backend API; the real @clerk/backend client talks to it) into an empty",
    `users table, in convex-test with real timers, after an untimed run of ${num(WARMUP)}. Host module`,
    "bench/host/convex/backfill.ts: no hooks, organizations off (the default), page size 500,",
    `paced at 1 ms per request (requestsPer10Seconds ${num(BENCH_REQUESTS_PER_10_SECONDS)}): pacing is not measured, it is`,
    "computed below. Function calls and docs are counted as in section 1, from the start mutation",
    "to the last scheduled function (the bench's own look-ups at the run taken out).",
    "s and users/s: the run's startedAt → finishedAt (reconciliation included), in convex-test,",
    "whose index look-ups sort the whole table, so it slows as the table grows: given per size,",
    "and not a Convex figure. Every run checked: all users stored once, Clerk requests equal to",
    "the stand-in's log, no error left.",
    "",
    ...table(rows, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    "",
    `steps: runs of the host's step action (one per page or reconcile batch). Calls at ${num(SIZES[1])} users:`,
    `  ${CONFIGS.usersOnly.label}: ${callsOf("usersOnly")}`,
    `  ${CONFIGS.withReconcile.label}: ${callsOf("withReconcile")}`,
    `per ${num(PER)}: on the line through the two sizes; exact for multiples of 1,000, as every count`,
    "  is a step per 500-user page, per 100 users reconciled, or a cleanup per 1,000 seen.",
    retries.length ? `Retried or restarted steps (counted above): ${retries.join("; ")}.` : "Retried or restarted steps: none.",
    "Reconcile requests: none on an empty table; on a table the webhooks filled, one per stored user",
    "  that the run did not see in Clerk (each is confirmed before it is deleted).",
    `Per full page (500 users, reconcile: false, the difference between the two sizes): ${num(page.clerkRequests)} Clerk`,
    `  requests (getUserList fetches the count too), ${num(page.indexRanges)} index ranges, ${num(page.docsRead)} docs read,`,
    `  ${num(page.docsWritten)} docs written (${kb(page.bytesWritten)} KB): one step action, its plan query and one applyPage mutation.`,
    "",
    `${num(PROJECTED)} users (reconcile: false): ${num(projected.pages)} pages × ${num(requestsPerPage, 1)} requests = ${num(projected.clerkRequests)} Clerk requests (extrapolated as above).`,
    `  Bound set by Clerk's production rate limit (${num(PRODUCTION_PER_10S)} requests / 10 s = ${num(PRODUCTION_PER_10S / 10)}/s): ${num(rateBoundSeconds(PRODUCTION_PER_10S), 1)} s.`,
    `  That is also the total delay the component waits between steps when told that rate; at the`,
    `  default requestsPer10Seconds ${DEFAULT_PER_10S} it waits ${num(rateBoundSeconds(DEFAULT_PER_10S))} s.`,
    "  The figure therefore includes only the rate limit (the pacing). Not included, because it is",
    "  not measurable here (convex-test is an in-memory mock, not Convex): what each step itself takes",
    `  on a deployment, ${num(projected.pages)} times — starting the action, Clerk answering a 500-user page, the plan`,
    "  query, the applyPage mutation writing 500 users, scheduling the next step — and, with",
    `  reconcile on, the reconcile pass (${num(extrapolate(results.withReconcile, PROJECTED).hostActions - projected.hostActions)} more steps at ${num(PROJECTED)} users, no requests on an empty table).`,
    "  A 100k backfill takes the rate-limit bound plus that per-step time, whichever dominates.",
  ];
}
