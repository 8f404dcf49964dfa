import { num } from "../../lib/format.js";
import type { ConfigName, Counts, IncrementalResult, RunResult } from "./runs.js";

/**
 * Users in Clerk (the stand-in) per measured run; convex-test slows as tables grow, so each is
 * reported. Small, as every count is linear in the users (extrapolate): larger runs add time only.
 */
export const SIZES = [1_000, 2_000];
/** The size counts are extrapolated to, and the one projected. */
export const PER = 10_000;
export const PROJECTED = 1_000_000;
/** Users per page of Clerk's user list, as the runs asked for them. */
export const PAGE_SIZE = 500;
/** Assumed for the projection: users changed between two nightly passes (10% of them). */
const CHANGED_PER_NIGHT = 100_000;
/** Clerk's Backend API rate limits (requests per 10 s), and the package's default pace. */
export const RATE_LIMITS = { production: 1_000, development: 100 } as const;
export const DEFAULT_PER_10S = 50;

export type Results = Record<ConfigName, Record<number, RunResult>>;

/**
 * Counts at `users`, on the straight line through the two measured sizes. Every count
 * here is linear in the users for multiples of 1,000 (a step per 500-user page, one per
 * 100 users reconciled, one cleanup per 1,000), so this is exact there, not a fit.
 */
export function extrapolate(runs: Record<number, RunResult>, users: number): Counts {
  const [a, b] = SIZES.map((size) => runs[size].counts);
  const out = {} as Counts;
  for (const key of Object.keys(a) as (keyof Counts)[]) {
    const slope = (b[key] - a[key]) / (SIZES[1] - SIZES[0]);
    out[key] = Math.round(b[key] + slope * (users - SIZES[1]));
  }
  return out;
}

/** What one more full page costs: the difference between the two sizes, per page. */
export function perFullPage(runs: Record<number, RunResult>) {
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

/**
 * Pages (one request each) of an incremental pass over `changed` users: each page starts
 * `overlap` users before the previous one ended, and the pass ends with the page that
 * reaches a user older than the watermark.
 */
export function incrementalPages(changed: number, overlap: number): number {
  let offset = 0;
  let pages = 1;
  while (offset + PAGE_SIZE <= changed) {
    offset += PAGE_SIZE - overlap;
    pages++;
  }
  return pages;
}

export type Projection = ReturnType<typeof project>;

/**
 * A 1,000,000-user instance: the full pass from the measured counts (extrapolated), the
 * nightly incremental pass from the page rule the measured one followed. Seconds are the
 * pacing only: the component schedules each step `requests × 10 s / rate` after the
 * previous one stored its page.
 */
export function project(results: Results, incremental: IncrementalResult) {
  const full = extrapolate(results.usersOnly, PROJECTED);
  const reconcileSteps = extrapolate(results.withReconcile, PROJECTED).hostActions - full.hostActions;
  const incrementalRequests = incrementalPages(CHANGED_PER_NIGHT, incremental.offsetOverlap);
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
