import { makeFunctionReference } from "convex/server";
import type { BackfillRunStatus, BackfillStart } from "convex-clerk-sync/backfill";
import { unmetered } from "./meter.js";

/** What a backfill run needs of a convex-test instance. */
type Runner = {
  mutation(reference: unknown, args: Record<string, never>): Promise<unknown>;
  query(reference: unknown, args: { runId: string }): Promise<unknown>;
  finishAllScheduledFunctions(advanceTimers: () => void, maxIterations?: number): Promise<void>;
};

/** A host's functions for a run: a mutation that starts it, a query that reads its status by `runId`. */
export type BackfillHost = { start: string; status: string };

/**
 * Start a run with the host's `start` mutation and let every step it schedules finish;
 * answers the run's last status, read with the host's `status` query (`ClerkBackfill.status`),
 * outside any measurement. Real timers: convex-test starts each step from its own timer.
 */
export async function runBackfillToEnd(t: Runner, host: BackfillHost): Promise<BackfillRunStatus> {
  const started = (await t.mutation(makeFunctionReference<"mutation">(host.start), {})) as BackfillStart;
  const status = makeFunctionReference<"query">(host.status);
  const module = host.start;
  for (let round = 0; round < 100; round++) {
    // Returns once nothing runs and nothing is due for 20 event-loop turns.
    await t.finishAllScheduledFunctions(() => {}, 1_000_000);
    const run = (await unmetered(() => t.query(status, { runId: started.run.runId }))) as BackfillRunStatus | null;
    if (!run) throw new Error(`backfill ${module}: run ${started.run.runId} not found`);
    if (run.status !== "running") return run;
  }
  throw new Error(`backfill ${module}: still running after 100 rounds`);
}

type UserCounts = { seen: number; inserted: number; updated: number };

/**
 * The users' counts of a run: what it saw in Clerk's list and what became of them. Read
 * from the counts per kind (`counts.byKind.users`) or, in a status without them, from the
 * run-wide user counts.
 */
export function userCounts(run: BackfillRunStatus): UserCounts {
  const counts = run.counts as unknown as UserCounts & { byKind?: { users: UserCounts } };
  const { seen, inserted, updated } = counts.byKind?.users ?? counts;
  return { seen, inserted, updated };
}
