// How the demo prints: numbers with thousands separators, times in UTC as the health check words
// them, a backfill run's counters in words, tables, and the health verdict.
import type { SyncHealth } from "convex-clerk-sync";
import type { BackfillRunStatus, KindCounts } from "convex-clerk-sync/backfill";
import { internal } from "./convex/_generated/api.js";
import type { embeddedExample } from "./embedded.js";

type App = Awaited<ReturnType<typeof embeddedExample>>;

/** "1,200". */
export const num = (n: number) => n.toLocaleString("en-US");

/** "1 user", "1,200 users". */
export const count = (n: number, one: string, many = `${one}s`) => `${num(n)} ${n === 1 ? one : many}`;

/** "2026-12-13 03:00 UTC", as the health check's reasons write times. */
export const dateTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** "Sun 03:00", on the demo's clock (UTC). */
export function clockTime(ms: number) {
  const day = new Date(ms).toLocaleDateString("en-US", { weekday: "short", timeZone: "UTC" });
  return `${day} ${new Date(ms).toISOString().slice(11, 16)}`;
}

/** "35 min", "3 h". */
export function duration(ms: number) {
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

/** "1,200 seen: 1,199 inserted, 0 updated, 1 unchanged, 0 stale, 1 removed". */
export function kindCounts({ seen, inserted, updated, unchanged, stale, deleted, repaired }: KindCounts) {
  const what = `${num(inserted)} inserted, ${num(updated)} updated, ${num(unchanged)} unchanged, ${num(stale)} stale`;
  const repairs = repaired + deleted > 0 ? `; ${num(repaired + deleted)} repaired` : "";
  const notStored = seen - inserted - updated - unchanged - stale;
  const skipped = notStored > 0 ? `, ${num(notStored)} not stored` : "";
  return `${num(seen)} seen: ${what}${skipped}, ${num(deleted)} removed${repairs}`;
}

/** One line of a run's progress: the stage, pages and requests so far, the users left. */
function progress({ phase, counts, estimatedRemaining }: BackfillRunStatus) {
  const left = estimatedRemaining ? `; about ${count(estimatedRemaining, "user")} left to list` : "";
  return `  ${phase.padEnd(23)} ${count(counts.pages, "page")}, ${count(counts.requests, "request")}${left}`;
}

/** How a run ended: its requests, then each kind's counters in words. */
function ending(run: BackfillRunStatus) {
  const { counts, shortfalls } = run;
  const again = counts.rewinds > 0 ? `, ${count(counts.rewinds, "page")} read again` : "";
  const lines = [`  ${run.status}: ${count(counts.pages, "page")}, ${count(counts.requests, "request")}${again}`];
  for (const [kind, kindCount] of Object.entries(counts.byKind)) {
    if (kindCount.seen + kindCount.deleted > 0) lines.push(`    ${kind.padEnd(14)} ${kindCounts(kindCount)}`);
  }
  for (const { kind, seen, clerkTotal } of shortfalls) {
    lines.push(`    Clerk counts ${num(clerkTotal)} ${kind} and listed ${num(seen)}, even when read again`);
  }
  if (run.lastError && shortfalls.length === 0) lines.push(`  lastError: ${run.lastError}`);
  return lines;
}

/** Print the latest run's progress (`backfill:status`) until it ends; answers how it ended. */
export async function followBackfill(t: App) {
  let previous = "";
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const run = await t.query(internal.backfill.status, {});
    if (!run) return null;
    const line = progress(run);
    if (run.status !== "running") {
      for (const ending_ of ending(run)) console.log(ending_);
      return run;
    }
    if (line !== previous) console.log(line);
    previous = line;
  }
}

export function printTable(rows: string[][]) {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const [i, row] of rows.entries()) {
    console.log(
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    );
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

/** The verdict, when the webhook was last heard from, and each reason under its rule's name. */
export function printHealth({ verdict, reasons, lastDeliveryAt, lastHeartbeatAt }: SyncHealth) {
  const heard = [`last delivery applied ${lastDeliveryAt === null ? "never" : clockTime(lastDeliveryAt)}`];
  if (lastHeartbeatAt !== undefined) {
    heard.push(`last heartbeat back ${lastHeartbeatAt === null ? "never" : clockTime(lastHeartbeatAt)}`);
  }
  console.log(`  verdict: ${verdict}   (${heard.join(", ")})`);
  for (const { rule, message } of reasons) console.log(`    ${rule}: ${message}`);
}
