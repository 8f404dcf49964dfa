import { num } from "./format.js";

/**
 * Figures that do not depend on the machine (counts and bytes), compared with
 * bench/results.json, so a costlier delivery or a heavier bundle is called out.
 * Timings are left out: they move between runs without any change. `keys` are paths
 * into the results (`size`, `backfill.counts`); `methodKeys` name the texts that describe
 * how a part was measured (`size.bundledAs`).
 */
export function changesSince(previous: unknown, current: unknown, keys: string[], methodKeys: string[] = []): string[] {
  if (!isObject(previous) || !isObject(current)) return ["No bench/results.json to compare with."];
  const before = flatten(pick(previous, keys));
  const after = flatten(pick(current, keys));
  const changed = [...after].filter(([path, value]) => before.has(path) && before.get(path) !== value);
  const lines =
    changed.length === 0
      ? ["Counts and bundle sizes: the same as in bench/results.json."]
      : [
          "Changed from bench/results.json:",
          ...changed.map(([path, value]) => {
            const old = before.get(path)!;
            return `  ${path}: ${num(old)} → ${num(value)} (${value > old ? "+" : ""}${num(value - old)})`;
          }),
        ];
  // Figures only one side has (a new or renamed measurement) cannot be compared: say which.
  const added = groups(
    [...after.keys()].filter((path) => !before.has(path)),
    before,
  );
  const removed = groups(
    [...before.keys()].filter((path) => !after.has(path)),
    after,
  );
  if (added.length) lines.push(`Not in bench/results.json, so not compared: ${added.join(", ")}.`);
  if (removed.length) lines.push(`In bench/results.json, no longer reported: ${removed.join(", ")}.`);
  // A figure measured another way is not comparable with the old one: say when the method changed.
  for (const key of methodKeys) {
    const [was, is] = [previous, current].map((results) => valueAt(results, key));
    const part = key.split(".")[0];
    if (typeof is === "string" && was !== is && valueAt(previous, part) !== undefined) {
      const how = was === undefined ? "not recorded in bench/results.json" : "not the one in bench/results.json";
      lines.push(
        `How ${part} is measured (${key}) is ${how}: changes under ${part} may be the method's, not the code's.`,
      );
    }
  }
  return lines;
}

/** The values at `keys`, by the same dotted paths. */
function pick(results: Record<string, unknown>, keys: string[]) {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = valueAt(results, key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function valueAt(results: unknown, key: string): unknown {
  let value = results;
  for (const part of key.split(".")) value = isObject(value) ? value[part] : undefined;
  return value;
}

/**
 * Paths for the report: a whole group (`size.httpStaticAdded`) when the other side has
 * nothing under it, else each path.
 */
function groups(paths: string[], other: Map<string, number>): string[] {
  const otherGroups = new Set([...other.keys()].map(group));
  return [...new Set(paths.map((path) => (otherGroups.has(group(path)) ? path : group(path))))];
}

function group(path: string) {
  return path.split(".").slice(0, 2).join(".");
}

/** Numeric leaves by dotted path, skipping timings (`seedSeconds`). */
function flatten(value: unknown, prefix = "", out = new Map<string, number>()) {
  if (typeof value === "number" && !prefix.endsWith("seedSeconds")) out.set(prefix, value);
  else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
