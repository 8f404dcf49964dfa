// How the health check's reasons are worded: counts, times and durations, in UTC, with no Intl
// (a component's runtime need not have it).
import type { HealthFacts } from "./health.js";
import { RETENTION_MS } from "./retention.js";

/** "1,200": a whole number with thousands separators, as the demo and the docs write numbers. */
export function thousands(n: number) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "1 user", "1,200 users"; "at least 50 deliveries" when the count was read through a cap. */
export function count(n: number, one: string, many: string, capped = false) {
  return `${capped ? "at least " : ""}${thousands(n)} ${n === 1 ? one : many}`;
}

export function join(items: string[]) {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** "2026-05-01 18:00 UTC". */
export function when(ms: number) {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "3 days", "10 h", "40 min". */
export function duration(ms: number) {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

/** Whether `time` is after the webhook was last heard from (a delivery applied, or a heartbeat back). */
export function isAfterLastHeard(time: number, { lastHeardAt }: HealthFacts) {
  return lastHeardAt === null || time > lastHeardAt;
}

/** "no delivery applied since 2026-05-01 18:00 UTC (10 h ago)"; with the heartbeat, "… and no heartbeat back …". */
export function noDelivery({ now, lastHeardAt, heartbeat }: HealthFacts) {
  const what = heartbeat.setUp ? "no delivery applied and no heartbeat back" : "no delivery applied";
  if (lastHeardAt === null) return `${what} in the last ${duration(RETENTION_MS)} (none on record)`;
  return `${what} since ${when(lastHeardAt)} (${duration(now - lastHeardAt)} ago)`;
}
