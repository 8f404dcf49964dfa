import { makeFunctionReference } from "convex/server";
import { getDocumentSize, type GenericId, type Value } from "convex/values";
import { OFFSET_OVERLAP } from "../../src/component/backfill.js";
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
const PROJECTED = 1_000_000;
/** The measured incremental pass: users in Clerk, and how many changed since the full pass. */
const INCREMENTAL = { users: 5_000, changed: 1_000 };
/** Assumed for the projection: users changed between two nightly passes (10% of them). */
const CHANGED_PER_NIGHT = 100_000;
/** Clerk's Backend API rate limits (requests per 10 s), and the package's default pace. */
const RATE_LIMITS = { production: 1_000, development: 100 } as const;
const DEFAULT_PER_10S = 50;
const PAGE_SIZE = 500;
const SECRET_KEY = "sk_test_bench_standin_0123456789";

const CONFIGS = {
  usersOnly: { start: "backfill:startLean", label: "reconcile: false" },
  withReconcile: { start: "backfill:startFull", label: "default (reconcile)" },
} as const;
type ConfigName = keyof typeof CONFIGS;

/** What the bench reads of a run's document. */
type RunDoc = {
  status: string;
  mode: string;
  startedAt: number;
  finishedAt: number | null;
  lastError: string | null;
  counts: { pages: number; requests: number; seen: number; inserted: number; updated: number };
};

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
    const incremental = await runIncremental();
    const per10k = Object.fromEntries(
      (Object.keys(CONFIGS) as ConfigName[]).map((config) => [config, extrapolate(results[config], PER)]),
    ) as Record<ConfigName, Counts>;
    const projection = project(results, incremental);
    return {
      lines: report(results, per10k, incremental, projection),
      json: {
        sizes: SIZES,
        paceRequestsPer10Seconds: BENCH_REQUESTS_PER_10_SECONDS,
        counts: {
          ...Object.fromEntries(
            (Object.keys(CONFIGS) as ConfigName[]).map((config) => [
              config,
              {
                ...Object.fromEntries(SIZES.map((size) => [size, results[config][size].counts])),
                per10k: per10k[config],
              },
            ]),
          ),
          incremental: incremental.counts,
        },
        requestsPer10kUsers: per10k.usersOnly.clerkRequests,
        perFullPage: perFullPage(results.usersOnly),
        runs: results,
        incrementalRun: incremental,
        projection,
      },
    };
  },
};

type IncrementalResult = {
  counts: {
    users: number;
    changed: number;
    pages: number;
    clerkRequests: number;
    hostActions: number;
    docsWritten: number;
  };
  runSeconds: number;
};

/** Start a run with the host's `start` function and let every scheduled function finish. */
async function driveRun(app: ReturnType<typeof createApp>, start: string) {
  const started = (await app.t.mutation(makeFunctionReference<"mutation">(start), {})) as { run: { runId: string } };
  const runId = started.run.runId;
  let polls = 0;
  let bytes = 0;
  for (let round = 0; round < 100; round++) {
    // With real timers convex-test starts each step from its own timer (1 ms per request
    // here): this returns once nothing runs and nothing is due for 20 event-loop turns.
    await app.t.finishAllScheduledFunctions(() => {}, 1_000_000);
    const doc = await app.inComponent((ctx) => ctx.db.get(runId as GenericId<"backfillRuns">));
    polls++;
    bytes += doc ? getDocumentSize(doc as Record<string, Value>) : 0;
    const run = doc as unknown as RunDoc | null;
    if (run?.status !== "running") return { run, polls, bytes };
  }
  throw new Error(`backfill ${start}: still running after 100 rounds`);
}

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
    let driven: Awaited<ReturnType<typeof driveRun>> | null = null;
    const cost = await measure(async () => {
      driven = await driveRun(app, CONFIGS[config].start);
    });
    const { run: done, polls } = driven!;
    if (!done || done.status !== "done" || done.finishedAt === null)
      throw new Error(`backfill ${config} ${size}: ended ${done?.status}`);
    const { counts } = done;
    if (counts.seen !== size || counts.inserted !== size || done.lastError !== null) {
      throw new Error(
        `backfill ${config} ${size}: seen ${counts.seen}, inserted ${counts.inserted}, lastError ${done.lastError}`,
      );
    }
    if (clerkApi.requests.length !== counts.requests) {
      throw new Error(
        `backfill: the run counted ${counts.requests} Clerk requests, the stand-in saw ${clerkApi.requests.length}`,
      );
    }
    // Checked after the measurement: every user stored once, nothing left of the run's bookkeeping.
    const left = await app.inComponent(async (ctx) => ({
      users: (await ctx.db.query("users").collect()).length,
      seen: (await ctx.db.query("backfillSeen").take(1)).length,
    }));
    if (left.users !== size || left.seen !== 0)
      throw new Error(
        `backfill ${config} ${size}: ${left.users} users stored, ${left.seen ? "some" : "no"} backfillSeen rows left`,
      );

    const calls = tally(cost);
    const runSeconds = (done.finishedAt - done.startedAt) / 1000;
    return {
      counts: {
        users: size,
        pages: counts.pages,
        clerkRequests: counts.requests,
        componentMutations: sum(calls, "mutation", "clerk"),
        componentQueries: sum(calls, "query", "clerk"),
        hostActions: sum(calls, "action", "app"),
        hostMutations: sum(calls, "mutation", "app"),
        indexRanges: cost.indexRanges - polls,
        docsRead: cost.docsRead - polls,
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

/**
 * A full pass (not counted), then `changed` users change in Clerk, then a counted
 * incremental pass: it must fetch exactly those, in the pages `incrementalPages` predicts.
 */
async function runIncremental(): Promise<IncrementalResult> {
  const { users, changed } = INCREMENTAL;
  const clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = SECRET_KEY;
  try {
    clerkApi.addUsers(users, () => typicalFields());
    const app = createApp("ours", { counted: true });
    const full = (await driveRun(app, CONFIGS.usersOnly.start)).run;
    if (full?.status !== "done" || full.counts.seen !== users)
      throw new Error(`incremental: the full pass ended ${full?.status}`);
    for (const id of [...clerkApi.users.keys()].slice(0, changed)) clerkApi.updateUser(id, { first_name: "Changed" });
    const before = clerkApi.requests.length;
    let driven: Awaited<ReturnType<typeof driveRun>> | null = null;
    const cost = await measure(async () => {
      driven = await driveRun(app, "backfill:startIncremental");
    });
    const run = driven!.run;
    if (!run || run.status !== "done" || run.mode !== "incremental" || run.finishedAt === null) {
      throw new Error(`incremental: ended ${run?.status} (${run?.mode})`);
    }
    const { counts } = run;
    if (counts.seen !== changed || counts.updated !== changed || run.lastError !== null) {
      throw new Error(`incremental: seen ${counts.seen}, updated ${counts.updated}, lastError ${run.lastError}`);
    }
    if (clerkApi.requests.length - before !== counts.requests) throw new Error("incremental: request counts differ");
    if (counts.pages !== incrementalPages(changed)) {
      throw new Error(`incremental: ${counts.pages} pages, ${incrementalPages(changed)} expected`);
    }
    const calls = tally(cost);
    return {
      counts: {
        users,
        changed,
        pages: counts.pages,
        clerkRequests: counts.requests,
        hostActions: sum(calls, "action", "app"),
        docsWritten: cost.docsWritten,
      },
      runSeconds: (run.finishedAt - run.startedAt) / 1000,
    };
  } finally {
    await clerkApi.close();
  }
}

/**
 * Pages (one request each) of an incremental pass over `changed` users: each page starts
 * OFFSET_OVERLAP users before the previous one ended, and the pass ends with the page
 * that reaches a user older than the watermark.
 */
function incrementalPages(changed: number): number {
  let offset = 0;
  let pages = 1;
  while (offset + PAGE_SIZE <= changed) {
    offset += PAGE_SIZE - OFFSET_OVERLAP;
    pages++;
  }
  return pages;
}

function sum(calls: Record<string, number>, kind: string, app: string) {
  return Object.entries(calls)
    .filter(([name]) => name.startsWith(`${kind} ${app}:`))
    .reduce((total, [, n]) => total + n, 0);
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
  const per = (key: "clerkRequests" | "indexRanges" | "docsRead" | "docsWritten") =>
    (b.counts[key] - a.counts[key]) / pages;
  return {
    clerkRequests: per("clerkRequests"),
    indexRanges: per("indexRanges"),
    docsRead: per("docsRead"),
    docsWritten: per("docsWritten"),
    bytesWritten: (b.bytesWritten - a.bytesWritten) / pages,
  };
}

type Projection = ReturnType<typeof project>;

/**
 * A 1,000,000-user instance: the full pass from the measured counts (extrapolated), the
 * nightly incremental pass from the page rule the measured one followed. Seconds are the
 * pacing only: the component schedules each step `requests × 10 s / rate` after the
 * previous one stored its page.
 */
function project(results: Record<ConfigName, Record<number, RunResult>>, incremental: IncrementalResult) {
  const full = extrapolate(results.usersOnly, PROJECTED);
  const reconcileSteps = extrapolate(results.withReconcile, PROJECTED).hostActions - full.hostActions;
  const incrementalRequests = incrementalPages(CHANGED_PER_NIGHT);
  const seconds = (requests: number) => ({
    production: (requests * 10) / RATE_LIMITS.production,
    development: (requests * 10) / RATE_LIMITS.development,
    defaultPace: (requests * 10) / DEFAULT_PER_10S,
  });
  return {
    users: PROJECTED,
    full: {
      pages: full.pages,
      clerkRequests: full.clerkRequests,
      requestsPerPage: full.clerkRequests / full.pages,
      reconcileSteps,
      seconds: seconds(full.clerkRequests),
    },
    incremental: {
      changed: CHANGED_PER_NIGHT,
      clerkRequests: incrementalRequests,
      measuredCheck: { changed: incremental.counts.changed, pages: incremental.counts.pages },
      seconds: seconds(incrementalRequests),
    },
    rateLimitsPer10Seconds: RATE_LIMITS,
    assumptions: [
      `${num(CHANGED_PER_NIGHT)} users (10%) changed between two nightly passes`,
      "no retries (no 429, no failed request)",
      "reconciliation finds no user to delete (webhooks kept the table in sync): no requests, steps only",
      "the pace set to the rate limit itself; nothing else of the app calls Clerk meanwhile",
    ],
    excludes:
      "each step's own time on a deployment (action start, Clerk's response, plan query, applyPage mutation, scheduling): not measurable in convex-test",
  };
}

function duration(seconds: number): string {
  if (seconds < 120) return `${num(seconds, seconds < 10 ? 1 : 0)} s`;
  if (seconds < 7_200) return `${num(seconds / 60, 1)} min`;
  return `${num(seconds / 3_600, 1)} h`;
}

function report(
  results: Record<ConfigName, Record<number, RunResult>>,
  per10k: Record<ConfigName, Counts>,
  incremental: IncrementalResult,
  projection: Projection,
): string[] {
  const rows = [
    [
      "run",
      "users",
      "pages",
      "Clerk req",
      "comp. mutations",
      "comp. queries",
      "steps",
      "docs read",
      "docs written",
      "s",
      "users/s",
    ],
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
  const inc = incremental.counts;
  const { full, incremental: nightly } = projection;
  const times = (s: { production: number; development: number; defaultPace: number }) =>
    `${duration(s.production)} at production's ${num(RATE_LIMITS.production)} requests / 10 s, ` +
    `${duration(s.development)} at development's ${num(RATE_LIMITS.development)} (${duration(s.defaultPace)} at the default pace of ${DEFAULT_PER_10S})`;
  return [
    `Backfills of ${SIZES.map((size) => num(size)).join(" and ")} ~3 KB users from tests/support/clerkApiStandIn.ts (a local HTTP`,
    "stand-in for Clerk's Backend API) into an empty users table, in convex-test with real timers,",
    `after an untimed run of ${num(WARMUP)}. Host module bench/host/convex/backfill.ts: no hooks,`,
    "organizations off (the default), page size 500, full passes (users by Clerk's cursor),",
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
    `Clerk requests per ${num(PER)} users: ${num(per10k.usersOnly.clerkRequests)} for ${num(per10k.usersOnly.pages)} pages: one per page (the last, empty or`,
    "  short, ends the list) and Clerk's user count once per run.",
    `steps: runs of the host's step action (one per page or reconcile batch). Calls at ${num(SIZES[1])} users:`,
    `  ${CONFIGS.usersOnly.label}: ${callsOf("usersOnly")}`,
    `  ${CONFIGS.withReconcile.label}: ${callsOf("withReconcile")}`,
    `per ${num(PER)}: on the line through the two sizes; exact for multiples of 1,000, as every count`,
    "  is a step per 500-user page, per 100 users reconciled, or a cleanup per 1,000 seen.",
    retries.length
      ? `Retried or restarted steps (counted above): ${retries.join("; ")}.`
      : "Retried or restarted steps: none.",
    "Reconcile requests: none on an empty table; on a table the webhooks filled, one per stored user",
    "  that the run did not see in Clerk (each is confirmed before it is deleted).",
    `Per full page (500 users, reconcile: false, the difference between the two sizes): ${num(page.clerkRequests)} Clerk`,
    `  request, ${num(page.indexRanges)} index ranges, ${num(page.docsRead)} docs read,`,
    `  ${num(page.docsWritten)} docs written (${kb(page.bytesWritten)} KB): one step action, its plan query and one applyPage mutation.`,
    "",
    `Incremental pass: ${num(inc.changed)} of ${num(inc.users)} users changed after a full pass: ${num(inc.pages)} pages, ${num(inc.clerkRequests)} Clerk`,
    `  requests, ${num(inc.hostActions)} steps, ${num(inc.docsWritten)} docs written, ${num(incremental.runSeconds, 1)} s in convex-test. Only the changed`,
    `  users were fetched (most recently updated first, by offset, each page re-reading the previous`,
    `  page's last ${OFFSET_OVERLAP}); the pass ended at the first user older than the watermark.`,
    "",
    `${num(PROJECTED)} users, at Clerk's rate limits, the pace set to the limit (seconds of pacing only):`,
    `  full pass: ${num(full.pages)} pages × ${num(full.requestsPerPage, 3)} requests = ${num(full.clerkRequests)} Clerk requests: ${times(full.seconds)};`,
    `    with reconciliation, ${num(full.reconcileSteps)} more steps that make no request when the table is in sync.`,
    `  nightly incremental pass, ${num(nightly.changed)} users changed since the last: ${num(nightly.clerkRequests)} requests (the page`,
    `    rule the measured pass followed: ${num(inc.changed)} changed → ${num(inc.pages)} pages): ${times(nightly.seconds)}.`,
    `  Assumed: ${projection.assumptions.join("; ")}.`,
    "  Not included, because it is not measurable here (convex-test is an in-memory mock, not",
    "  Convex): each step's own time on a deployment (starting the action, Clerk answering a",
    "  500-user page, the plan query, the applyPage mutation writing 500 users, scheduling the",
    "  next step), which adds to the pacing: the next step is scheduled after the page is stored.",
  ];
}
