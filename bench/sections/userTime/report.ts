import { num, table } from "../../lib/format.js";
import { median } from "../../lib/stats.js";
import type { FunctionTime } from "../../lib/userTime.js";

/** Convex's limit on a query's or mutation's user-code time. */
export const LIMIT_MS = 1_000;
/** Below this many times the limit's headroom, a margin is reported as thin. */
const THIN = 2;

/** One row of the table: a scenario's timed calls of one mutation. */
export type Row = {
  what: string;
  /** `clerk:backfill:applyPage`, as observed. */
  mutation: string;
  calls: number;
  /** User-code time scaled by the CPU share each call had (see the method). */
  userMs: { median: number; max: number };
  /** User-code time as the wall clock measured it, before that scaling. */
  measuredMs: { median: number; max: number };
  /** Of the slowest call (scaled): the hooks' own user code, and the GC pauses in its user code. */
  hooksMs: number;
  gcMs: number;
  /** Of the slowest call: its wall time, the mock included, and its CPU share. */
  wallMs: number;
  cpuShare: number;
  /** Changes (users or memberships) per call, each running one hook; null for a delivery. */
  items: number | null;
  /** Slowest call per change, scaled; null for a delivery. */
  perItemMs: number | null;
  /** How many times the slowest call fits in the limit. */
  margin: number;
};

export function summarize(what: string, times: FunctionTime[], items: number | null = null): Row {
  if (times.length === 0) throw new Error(`userTime: nothing timed for ${what}`);
  const scaled = (time: FunctionTime) => time.userMs * time.cpuShare;
  const slowest = times.reduce((a, b) => (scaled(b) > scaled(a) ? b : a));
  const max = scaled(slowest);
  return {
    what,
    mutation: slowest.name.replace(/^mutation /, ""),
    calls: times.length,
    userMs: { median: median(times.map(scaled)), max },
    measuredMs: { median: median(times.map((time) => time.userMs)), max: Math.max(...times.map((t) => t.userMs)) },
    hooksMs: slowest.nestedMs * slowest.cpuShare,
    gcMs: slowest.gcMs * slowest.cpuShare,
    wallMs: slowest.wallMs,
    cpuShare: slowest.cpuShare,
    items,
    perItemMs: items === null ? null : max / items,
    margin: LIMIT_MS / max,
  };
}

export const METHOD = [
  "user ms: the JavaScript time Convex counts against its limit, database operations excluded.",
  "Every ctx.db, scheduler and nested-call operation leaves the function through a syscall, where",
  "convex-test (the in-memory backend, whose index look-ups sort the whole table) and the rules layer",
  "answer it: the time inside a syscall is left out, the rest of the handler's time is counted, its",
  "hooks' handlers (run inside it through ctx.runMutation) included, and the GC pauses that fell in",
  "it; decoding the arguments and encoding the result, which the isolate does and convex-test does",
  "elsewhere, are timed apart on the same values and added. Each call's time is then scaled by its",
  "CPU share (the process's CPU time over wall time during the call, at most 1), so that time the",
  "machine gave other processes is not counted; measured ms is before that scaling. On Node's V8 on",
  "this machine, not Convex's isolate: read the margin as a ratio, not a guarantee.",
];

export function report(rows: Row[], notes: string[]): string[] {
  const ms = (value: number) => num(value, value < 10 ? 1 : 0);
  const lines = table(
    [
      ["what", "mutation", "calls", "user ms median", "max", "hooks", "GC", "measured max", "CPU", "1 s / max"],
      ...rows.map((row) => [
        row.what,
        row.mutation,
        num(row.calls),
        ms(row.userMs.median),
        ms(row.userMs.max),
        ms(row.hooksMs),
        ms(row.gcMs),
        ms(row.measuredMs.max),
        num(row.cpuShare, 2),
        `${num(row.margin, row.margin < 10 ? 1 : 0)}×`,
      ]),
    ],
    [2, 3, 4, 5, 6, 7, 8, 9],
  );
  const perItem = rows
    .filter((row) => row.perItemMs !== null)
    .map(
      (row) => `${row.what}: ${num(row.perItemMs!, 2)} ms a change, ${num(LIMIT_MS / row.perItemMs!)} changes in 1 s`,
    );
  const thin = rows.filter((row) => row.margin < THIN);
  return [
    ...METHOD,
    "",
    ...lines,
    "",
    "hooks and GC: of the slowest call. Per change (each running one hook), from the slowest call:",
    ...perItem.map((line) => `  ${line}`),
    ...notes,
    thin.length === 0
      ? `Every slowest call is under 1 s by ${THIN}× or more.`
      : `Under ${THIN}× or over the limit: ${thin.map((row) => `${row.what} (${num(row.userMs.max)} ms)`).join("; ")}.`,
  ];
}
