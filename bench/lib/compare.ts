import { num } from "./format.js";

/**
 * Figures that do not depend on the machine (counts and bytes), compared with the
 * previous results.json, so a costlier delivery or a heavier bundle is called out.
 * Timings are left out: they move between runs without any change.
 */
export function changesSince(previous: unknown, current: unknown, keys: string[]): string[] {
  if (!isObject(previous) || !isObject(current)) return ["No previous bench/results.json to compare with."];
  const before = flatten(pick(previous, keys));
  const after = flatten(pick(current, keys));
  const changed = [...after].filter(([path, value]) => before.has(path) && before.get(path) !== value);
  if (changed.length === 0) return ["Per-delivery counts and bundle sizes: unchanged since the previous bench/results.json."];
  return [
    "Changed since the previous bench/results.json:",
    ...changed.map(([path, value]) => {
      const old = before.get(path)!;
      return `  ${path}: ${num(old)} → ${num(value)} (${value > old ? "+" : ""}${num(value - old)})`;
    }),
  ];
}

function pick(results: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.map((key) => [key, results[key]]));
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
