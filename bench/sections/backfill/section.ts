import { BENCH_REQUESTS_PER_10_SECONDS } from "../../host/convex/backfill.js";
import type { Section } from "../section.js";
import { extrapolate, incrementalPages, PER, perFullPage, project, SIZES, type Results } from "./projection.js";
import { report } from "./report.js";
import { CONFIG_NAMES, runBackfill, runIncremental, type ConfigName, type Counts } from "./runs.js";

/** An untimed first run: loads the modules (@clerk/backend among them) and warms the JIT up. */
const WARMUP = 1_000;
/** The measured incremental pass: users in Clerk, and how many changed since the full pass. */
const INCREMENTAL = { users: 2_000, changed: 1_000 };

export const backfillSection: Section = {
  key: "backfill",
  title: "4. Backfill",
  deterministic: true,
  timings: ["runSeconds", "usersPerSecond"],
  async run({ deterministic }) {
    // Counts do not need a warm process.
    if (!deterministic) await runBackfill("withReconcile", WARMUP);
    const results = {} as Results;
    for (const config of CONFIG_NAMES) {
      results[config] = {};
      for (const size of SIZES) results[config][size] = await runBackfill(config, size);
    }
    const incremental = await runIncremental(INCREMENTAL.users, INCREMENTAL.changed);
    const expectedPages = incrementalPages(INCREMENTAL.changed, incremental.offsetOverlap);
    if (incremental.counts.pages !== expectedPages) {
      throw new Error(`incremental: ${incremental.counts.pages} pages, ${expectedPages} expected by the page rule`);
    }
    const per10k = Object.fromEntries(
      CONFIG_NAMES.map((config) => [config, extrapolate(results[config], PER)]),
    ) as Record<ConfigName, Counts>;
    const projection = project(results, incremental);
    const counts = Object.fromEntries(
      CONFIG_NAMES.map((config) => [
        config,
        {
          ...Object.fromEntries(SIZES.map((size) => [size, results[config][size].counts])),
          per10k: per10k[config],
        },
      ]),
    );
    return {
      lines: report(results, per10k, incremental, projection, deterministic ? 0 : WARMUP),
      json: {
        sizes: SIZES,
        paceRequestsPer10Seconds: BENCH_REQUESTS_PER_10_SECONDS,
        counts: { ...counts, incremental: incremental.counts },
        requestsPer10kUsers: per10k.usersOnly.clerkRequests,
        perFullPage: perFullPage(results.usersOnly),
        runs: results,
        incrementalRun: incremental,
        projection,
      },
    };
  },
};
