import { BENCH_REQUESTS_PER_10_SECONDS } from "../../host/convex/backfill.js";
import { duration, kb, num, table } from "../../lib/format.js";
import {
  DEFAULT_PER_10S,
  PER,
  perFullPage,
  PROJECTED,
  RATE_LIMITS,
  SIZES,
  type Projection,
  type Results,
} from "./projection.js";
import { CONFIG_NAMES, CONFIGS, type ConfigName, type Counts, type IncrementalResult } from "./runs.js";

/** What section 4 prints. */
export function report(
  results: Results,
  per10k: Record<ConfigName, Counts>,
  incremental: IncrementalResult,
  projection: Projection,
  warmup: number,
): string[] {
  return [
    ...method(warmup),
    "",
    ...runsTable(results, per10k),
    "",
    ...runNotes(results, per10k),
    "",
    ...incrementalNotes(incremental),
    "",
    ...projectionNotes(projection, incremental),
  ];
}

function method(warmup: number): string[] {
  return [
    `Backfills of ${SIZES.map((size) => num(size)).join(" and ")} ~3 KB users from tests/support/clerkApiStandIn.ts (a local HTTP`,
    "stand-in for Clerk's Backend API) into an empty users table, in convex-test with real timers,",
    `${warmup > 0 ? `after an untimed run of ${num(warmup)}` : "with no untimed run first (counts only)"}. Host module bench/host/convex/backfill.ts: no hooks,`,
    "organizations off (the default), page size 500, full passes (users by Clerk's cursor),",
    `paced at 1 ms per request (requestsPer10Seconds ${num(BENCH_REQUESTS_PER_10_SECONDS)}): pacing is not measured, it is`,
    "computed below. Function calls and docs are counted as in section 1, from the start mutation",
    "to the last scheduled function (the bench's own look-ups at the run left out).",
    "s and users/s: the run's startedAt → finishedAt (reconciliation included), in convex-test,",
    "whose index look-ups sort the whole table, so it slows as the table grows: given per size,",
    "and not a Convex figure. Every run checked: all users stored once, Clerk requests equal to",
    "the stand-in's log, no error left.",
  ];
}

function runsTable(results: Results, per10k: Record<ConfigName, Counts>): string[] {
  const header = ["run", "users", "pages", "Clerk req", "comp. mutations", "comp. queries", "steps"];
  const rows = [[...header, "docs read", "docs written", "s", "users/s"]];
  const counts = (c: Counts) => [
    num(c.pages),
    num(c.clerkRequests),
    num(c.componentMutations),
    num(c.componentQueries),
    num(c.hostActions),
    num(c.docsRead),
    num(c.docsWritten),
  ];
  for (const config of CONFIG_NAMES) {
    for (const size of SIZES) {
      const { counts: c, runSeconds, usersPerSecond } = results[config][size];
      rows.push([CONFIGS[config].label, num(size), ...counts(c), num(runSeconds, 1), num(usersPerSecond)]);
    }
    rows.push([`  per ${num(PER)} (extrapolated)`, num(PER), ...counts(per10k[config]), "", ""]);
  }
  return table(rows, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
}

function runNotes(results: Results, per10k: Record<ConfigName, Counts>): string[] {
  const callsOf = (config: ConfigName) =>
    Object.entries(results[config][SIZES[1]].calls)
      .map(([name, n]) => `${name.replace(/^(\w+) (app|clerk):/, "$2:")} ${num(n)}`)
      .join(", ");
  const page = perFullPage(results.usersOnly);
  const retries = CONFIG_NAMES.flatMap((config) =>
    SIZES.filter((size) => results[config][size].counts.retries > 0).map(
      (size) => `${CONFIGS[config].label} at ${num(size)}: ${results[config][size].counts.retries}`,
    ),
  );
  return [
    `Clerk requests per ${num(PER)} users: ${num(per10k.usersOnly.clerkRequests)} for ${num(per10k.usersOnly.pages)} pages: one per page (the last, empty or`,
    "  short, ends the list) and Clerk's user count once per run.",
    `steps: runs of the host's step action (one per page or reconcile batch). Calls at ${num(SIZES[1])} users:`,
    ...CONFIG_NAMES.map((config) => `  ${CONFIGS[config].label}: ${callsOf(config)}`),
    `per ${num(PER)}: on the line through the two sizes; exact for multiples of 1,000, as every count`,
    "  is a step per 500-user page, per 100 users reconciled, or a cleanup per 1,000 seen.",
    retries.length
      ? `Retried or restarted steps (counted above): ${retries.join("; ")}.`
      : "Retried or restarted steps: none.",
    "Reconcile requests: none on an empty table; on a table the webhooks filled, one per stored user",
    "  that the run did not see in Clerk (each is confirmed before it is deleted).",
    `Per full page (500 users, reconcile: false, the difference between the two sizes): ${num(page.clerkRequests)} Clerk`,
    `  request, ${num(page.indexRanges)} index ranges, ${num(page.docsRead)} docs read,`,
    `  ${num(page.docsWritten)} docs written (${kb(page.bytesWritten)} KB): one step action, the component's query that plans it`,
    "  and the mutation that stores the page.",
  ];
}

function incrementalNotes(incremental: IncrementalResult): string[] {
  const inc = incremental.counts;
  return [
    `Incremental pass: ${num(inc.changed)} of ${num(inc.users)} users changed after a full pass: ${num(inc.pages)} pages, ${num(inc.clerkRequests)} Clerk`,
    `  requests, ${num(inc.hostActions)} steps, ${num(inc.docsWritten)} docs written, ${num(incremental.runSeconds, 1)} s in convex-test. Only the changed`,
    `  users were fetched (most recently updated first, by offset, each page re-reading the previous`,
    `  page's last ${num(incremental.offsetOverlap)}, as the offsets requested show); the pass ended at the first user older than the watermark.`,
  ];
}

function projectionNotes(projection: Projection, incremental: IncrementalResult): string[] {
  const { full, incremental: nightly } = projection;
  const times = (s: { production: number; development: number; defaultPace: number }) =>
    `${duration(s.production)} at production's ${num(RATE_LIMITS.production)} requests / 10 s, ` +
    `${duration(s.development)} at development's ${num(RATE_LIMITS.development)} (${duration(s.defaultPace)} at the default pace of ${DEFAULT_PER_10S})`;
  return [
    `${num(PROJECTED)} users, at Clerk's rate limits, the pace set to the limit (seconds of pacing only):`,
    `  full pass: ${num(full.pages)} pages × ${num(full.requestsPerPage, 3)} requests = ${num(full.clerkRequests)} Clerk requests: ${times(full.seconds)};`,
    `    with reconciliation, ${num(full.reconcileSteps)} more steps that make no request when the table is in sync.`,
    `  nightly incremental pass, ${num(nightly.changed)} users changed since the last: ${num(nightly.clerkRequests)} requests (the page`,
    `    rule the measured pass followed: ${num(incremental.counts.changed)} changed → ${num(incremental.counts.pages)} pages): ${times(nightly.seconds)}.`,
    `  Assumed: ${projection.assumptions.join("; ")}.`,
    "  Not included, because it is not measurable here (convex-test is an in-memory mock, not",
    "  Convex): each step's own time on a deployment (starting the action, Clerk answering a",
    "  500-user page, the planning query, the mutation writing 500 users, scheduling the",
    "  next step), which adds to the pacing: the next step is scheduled after the page is stored.",
  ];
}
