import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import { internalMutation, type MutationCtx } from "./_generated/server.js";
import { pruneRuns } from "./backfill/history.js";
import { trimFailures } from "./failures.js";

const DAY = 24 * 60 * 60 * 1000;
/**
 * How long dedupe records, tombstones and sign-up fallbacks are kept. Svix retries a failed message for
 * about a day and a half, and a message can be replayed by hand from the dashboard
 * afterwards: 30 days covers both with room to spare.
 */
export const RETENTION_MS = 30 * DAY;
/** Rows deleted per sweep step; a step reschedules itself while more are expired. */
export const SWEEP_BATCH = 500;
/** Backfill runs deleted per mode and sweep step (a run document holds a pass's whole state). */
const RUNS_BATCH = 50;

/**
 * Delete expired dedupe records, tombstones, sign-up fallbacks and changes stored inside the
 * repair grace that no pass counted, failed-delivery records
 * beyond the newest 50, and ended backfill runs beyond the newest 10 of each mode, in bounded
 * batches. Run hourly by the component's own cron (crons.ts), so no delivery reads or writes
 * any shared state for it.
 */
export const sweep = internalMutation({
  args: {},
  returns: v.object({
    deliveries: v.number(),
    tombstones: v.number(),
    failures: v.number(),
    fallbacks: v.number(),
    graceStores: v.number(),
    runs: v.number(),
  }),
  handler: async (ctx) => {
    const cutoff = Date.now() - RETENTION_MS;
    const [deliveries, tombstones, fallbacks, graceStores] = [
      await deleteExpired(ctx, "deliveries", cutoff),
      await deleteExpired(ctx, "tombstones", cutoff),
      await deleteExpired(ctx, "signUpFallbacks", cutoff),
      await deleteExpired(ctx, "graceStores", cutoff),
    ];
    const failures = await trimFailures(ctx, SWEEP_BATCH);
    const runs = await pruneRuns(ctx, RUNS_BATCH);
    const counts = [deliveries, tombstones, failures, fallbacks, graceStores];
    if (counts.some((count) => count === SWEEP_BATCH) || runs >= RUNS_BATCH) {
      await ctx.scheduler.runAfter(0, internal.retention.sweep, {});
    }
    return { deliveries, tombstones, failures, fallbacks, graceStores, runs };
  },
});

/** The rows of each table kept `RETENTION_MS`, oldest first, by the index on the time they are kept from. */
const expiring = {
  deliveries: (ctx: MutationCtx, cutoff: number) =>
    ctx.db.query("deliveries").withIndex("by_received_at", (q) => q.lt("receivedAt", cutoff)),
  tombstones: (ctx: MutationCtx, cutoff: number) =>
    ctx.db.query("tombstones").withIndex("by_deleted_at", (q) => q.lt("deletedAt", cutoff)),
  signUpFallbacks: (ctx: MutationCtx, cutoff: number) =>
    ctx.db.query("signUpFallbacks").withIndex("by_storedAt", (q) => q.lt("storedAt", cutoff)),
  // A change no pass of its kind counted (a kind no pass lists again).
  graceStores: (ctx: MutationCtx, cutoff: number) =>
    ctx.db.query("graceStores").withIndex("by_storedAt", (q) => q.lt("storedAt", cutoff)),
};

/** Delete up to `SWEEP_BATCH` of the table's rows kept from before `cutoff`; answers how many. */
async function deleteExpired(ctx: MutationCtx, table: keyof typeof expiring, cutoff: number): Promise<number> {
  const rows = await expiring[table](ctx, cutoff).take(SWEEP_BATCH);
  for (const row of rows) await ctx.db.delete(table, row._id);
  return rows.length;
}
