import type { UserOverrides } from "../../../src/events/payloads.js";
import { inComponent } from "../../../tests/support/app.js";
import { startClerkApiStandIn, type ClerkApiStandIn } from "../../../tests/support/clerkApiStandIn.js";
import { createApp } from "../../lib/apps.js";
import { runBackfillToEnd, userCounts, type BackfillHost } from "../../lib/backfillRun.js";
import { measure, type Cost } from "../../lib/meter.js";
import { typicalClerkUser } from "../../lib/payloads.js";

const SECRET_KEY = "sk_test_bench_standin_0123456789";

const host = (start: string): BackfillHost => ({ start: `backfill:${start}`, status: "backfill:status" });

/** The host's backfills (bench/host/convex/backfill.ts), by what they run. */
export const CONFIGS = {
  usersOnly: { host: host("startLean"), label: "reconcile: false" },
  withReconcile: { host: host("startFull"), label: "default (reconcile)" },
} as const;
export type ConfigName = keyof typeof CONFIGS;
export const CONFIG_NAMES = Object.keys(CONFIGS) as ConfigName[];

/** Counts that do not depend on the machine: compared with the previous results.json. */
export type Counts = {
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

export type RunResult = {
  counts: Counts;
  /** Function calls by name, as observed. */
  calls: Record<string, number>;
  /** Bytes of the documents written (ids carry random characters, so not compared between runs). */
  bytesWritten: number;
  /** From the run's own startedAt / finishedAt, in convex-test. */
  runSeconds: number;
  usersPerSecond: number;
};

export type IncrementalResult = {
  counts: {
    users: number;
    changed: number;
    pages: number;
    clerkRequests: number;
    hostActions: number;
    docsWritten: number;
  };
  /** Users each page read again from the previous one, from the offsets the pass asked Clerk for. */
  offsetOverlap: number;
  runSeconds: number;
};

/** Run `fn` with a Clerk stand-in holding `users` ~3 KB users, the environment pointing at it. */
async function withClerk<T>(users: number, fn: (clerkApi: ClerkApiStandIn) => Promise<T>): Promise<T> {
  const clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = SECRET_KEY;
  try {
    clerkApi.addUsers(users, () => typicalFields());
    return await fn(clerkApi);
  } finally {
    await clerkApi.close();
  }
}

/** One backfill of `size` users from the stand-in into a fresh app, counted from start to the last scheduled function. */
export function runBackfill(config: ConfigName, size: number): Promise<RunResult> {
  return withClerk(size, async (clerkApi) => {
    const app = createApp("ours", { counted: true });
    let done: Awaited<ReturnType<typeof runBackfillToEnd>> | null = null;
    const cost = await measure(async () => {
      done = await runBackfillToEnd(app.t, CONFIGS[config].host);
    });
    const run = done!;
    const users = userCounts(run);
    if (run.status !== "done" || run.finishedAt === null || run.lastError !== null) {
      throw new Error(`backfill ${config} ${size}: ended ${run.status}, lastError ${run.lastError}`);
    }
    if (users.seen !== size || users.inserted !== size) {
      throw new Error(`backfill ${config} ${size}: seen ${users.seen}, inserted ${users.inserted}`);
    }
    if (clerkApi.requests.length !== run.counts.requests) {
      throw new Error(
        `backfill: the run counted ${run.counts.requests} Clerk requests, the stand-in saw ${clerkApi.requests.length}`,
      );
    }
    // Checked after the measurement: every user stored once.
    const stored = await inComponent(app.t, async (ctx) => (await ctx.db.query("users").collect()).length);
    if (stored !== size) throw new Error(`backfill ${config} ${size}: ${stored} users stored`);

    const calls = tally(cost);
    const runSeconds = (run.finishedAt - run.startedAt) / 1000;
    return {
      counts: {
        users: size,
        pages: run.counts.pages,
        clerkRequests: run.counts.requests,
        componentMutations: sum(calls, "mutation", "clerk"),
        componentQueries: sum(calls, "query", "clerk"),
        hostActions: sum(calls, "action", "app"),
        hostMutations: sum(calls, "mutation", "app"),
        indexRanges: cost.indexRanges,
        docsRead: cost.docsRead,
        docsWritten: cost.docsWritten,
        scheduled: cost.scheduled,
        retries: sum(calls, "mutation", "clerk", /:(retryLater|watchdog)$/),
      },
      calls,
      bytesWritten: cost.bytesWritten,
      runSeconds,
      usersPerSecond: size / runSeconds,
    };
  });
}

/**
 * A full pass (not counted), then `changed` users change in Clerk, then a counted
 * incremental pass: it must fetch exactly those.
 */
export function runIncremental(users: number, changed: number): Promise<IncrementalResult> {
  return withClerk(users, async (clerkApi) => {
    const app = createApp("ours", { counted: true });
    const full = await runBackfillToEnd(app.t, CONFIGS.usersOnly.host);
    if (full.status !== "done" || userCounts(full).seen !== users) {
      throw new Error(`incremental: the full pass ended ${full.status}`);
    }
    for (const id of [...clerkApi.users.keys()].slice(0, changed)) clerkApi.updateUser(id, { first_name: "Changed" });
    const before = clerkApi.requests.length;
    let done: Awaited<ReturnType<typeof runBackfillToEnd>> | null = null;
    const cost = await measure(async () => {
      done = await runBackfillToEnd(app.t, host("startIncremental"));
    });
    const run = done!;
    const counts = userCounts(run);
    if (run.status !== "done" || run.mode !== "incremental" || run.finishedAt === null || run.lastError !== null) {
      throw new Error(`incremental: ended ${run.status} (${run.mode}), lastError ${run.lastError}`);
    }
    if (counts.seen !== changed || counts.updated !== changed) {
      throw new Error(`incremental: seen ${counts.seen}, updated ${counts.updated}`);
    }
    const requests = clerkApi.requests.slice(before);
    if (requests.length !== run.counts.requests) throw new Error("incremental: request counts differ");
    const calls = tally(cost);
    return {
      counts: {
        users,
        changed,
        pages: run.counts.pages,
        clerkRequests: run.counts.requests,
        hostActions: sum(calls, "action", "app"),
        docsWritten: cost.docsWritten,
      },
      offsetOverlap: offsetOverlap(requests.map((request) => request.path)),
      runSeconds: (run.finishedAt - run.startedAt) / 1000,
    };
  });
}

/** How many users each page of the user list re-read from the previous page, from the requests' offsets. */
function offsetOverlap(paths: string[]): number {
  const pages = paths
    .map((path) => new URL(path, "http://clerk"))
    .filter((url) => url.pathname === "/v1/users" && url.searchParams.has("offset"));
  const [first, second] = pages.map((url) => Number(url.searchParams.get("offset")));
  const limit = Number(pages[0]?.searchParams.get("limit"));
  if (first === undefined || second === undefined || !limit) {
    throw new Error("incremental: fewer than two offset pages were requested");
  }
  return limit - (second - first);
}

function sum(calls: Record<string, number>, kind: string, app: string, name = /./) {
  return Object.entries(calls)
    .filter(([call]) => call.startsWith(`${kind} ${app}:`) && name.test(call))
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
