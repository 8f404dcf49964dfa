// What the backfill tests share: a stand-in for Clerk's Backend API per test, fake timers,
// and a way to run a pass step by step.
import { afterEach, beforeEach, vi } from "vitest";
import { makeFunctionReference } from "convex/server";
import type { BackfillMode, BackfillStart } from "convex-clerk-sync/backfill";
import { internal } from "../example/convex/_generated/api";
import { startClerkApiStandIn, type ClerkApiStandIn, type ClerkApiStandInOptions } from "./support/clerkApiStandIn";
import { inComponent, initConvexTest, type TestApp } from "./setup";

export const SECRET_KEY = "sk_test_standin_0123456789abcdef";

/** The current test's stand-in for Clerk (started before each test of the file that calls `useClerkApiStandIn`). */
export const standIn: { api: ClerkApiStandIn } = { api: undefined as unknown as ClerkApiStandIn };

/** Start a stand-in before each test (with `options`), point the backfill at it, and fake the timers. */
export function useClerkApiStandIn(options: ClerkApiStandInOptions = {}) {
  beforeEach(async () => {
    standIn.api = await startClerkApiStandIn(options);
    process.env.CLERK_API_URL = standIn.api.url;
    process.env.CLERK_SECRET_KEY = SECRET_KEY;
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
  });
  afterEach(async () => {
    await standIn.api.close();
  });
}

/** Replace the current stand-in with one started with `options`. */
export async function restartStandIn(options: ClerkApiStandInOptions) {
  await standIn.api.close();
  standIn.api = await startClerkApiStandIn(options);
  process.env.CLERK_API_URL = standIn.api.url;
}

export type Status = Awaited<ReturnType<typeof status>>;
export const status = (t: TestApp) => t.query(internal.backfill.status, {});

/**
 * Run scheduled functions one timer at a time until the run stops, calling `between`
 * after each step. (Jumping all timers at once would fire the watchdog while a step
 * still awaits Clerk.)
 */
export async function drain(t: TestApp, between?: (s: NonNullable<Status>) => Promise<void>, maxSteps = 500) {
  for (let i = 0; i < maxSteps; i++) {
    await t.finishInProgressScheduledFunctions();
    const current = await status(t);
    if (current?.status !== "running") {
      await t.finishAllScheduledFunctions(() => vi.runAllTimers()); // the cleanup of `backfillSeen`
      return current;
    }
    await between?.(current);
    vi.advanceTimersToNextTimer();
  }
  throw new Error("backfill did not finish");
}

/** Fire the next timer (the next step) and wait for what it started. */
export async function runNextStep(t: TestApp) {
  vi.advanceTimersToNextTimer();
  await t.finishInProgressScheduledFunctions();
}

/** The example app with a backfill of users only mounted beside its own (support/usersBackfill.ts). */
export function initUsersBackfillApp() {
  return initConvexTest({ "../example/convex/usersBackfill.ts": () => import("./support/usersBackfill") });
}
const startUsersOnly = makeFunctionReference<"mutation", { mode?: BackfillMode }, BackfillStart>("usersBackfill:start");

/** Start a pass of the users-only backfill (an app from `initUsersBackfillApp`). */
export function startUsersBackfill(t: TestApp, mode: BackfillMode = "full") {
  return t.mutation(startUsersOnly, { mode });
}

/**
 * Start a pass with a smaller page than Clerk's 500, to cross pages with few users: of the
 * users-only backfill, or with `example`, of the example's own (users, then organizations…).
 */
export async function startWithPageSize(
  t: TestApp,
  pageSize: number,
  mode: BackfillMode = "full",
  backfill: "usersOnly" | "example" = "usersOnly",
) {
  const started =
    backfill === "example" ? await t.mutation(internal.backfill.start, { mode }) : await startUsersBackfill(t, mode);
  // The first step is only scheduled (timers are fake): set the page size before it runs.
  await inComponent(t, async (ctx) => {
    const run = await ctx.db.query("backfillRuns").order("desc").first();
    await ctx.db.patch(run!._id, { pageSize });
  });
  return started;
}

export const storedUsers = (t: TestApp) => inComponent(t, (ctx) => ctx.db.query("users").collect());
export const getUser = (t: TestApp, clerkId: string) =>
  inComponent(t, (ctx) =>
    ctx.db
      .query("users")
      .withIndex("by_clerk_id", (q) => q.eq("clerkId", clerkId))
      .unique(),
  );
/** The paths of the user-list requests the stand-in received. */
export const userListRequests = () =>
  standIn.api.requests.filter((r) => r.path.startsWith("/v1/users?")).map((r) => r.path);

/** The current test's stand-in, by the name the tests use (each property read goes to `standIn.api`). */
export const clerkApi = new Proxy({} as ClerkApiStandIn, {
  get: (_, property) => standIn.api[property as keyof ClerkApiStandIn],
});
