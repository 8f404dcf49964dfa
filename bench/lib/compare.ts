import { num } from "./format.js";

/** What a section says of its figures (sections/section.ts). */
type Figures = { key: string; deterministic: boolean; timings: readonly string[] };
type Leaf = number | string | boolean | null;

/** Labels every timed section carries (run.ts): timings too, never compared. */
const LOAD_KEY = "load";

/**
 * The figures that do not depend on the machine (counts, bytes, simulated time, and the texts
 * that say how they were measured), by dotted path, of the deterministic sections present in
 * `results`: every leaf but those under a timing key.
 */
export function deterministicFigures(results: unknown, sections: readonly Figures[]): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  if (!isObject(results)) return out;
  for (const section of sections) {
    if (section.deterministic && section.key in results) {
      leaves(results[section.key], new Set([...section.timings, LOAD_KEY]), section.key, out);
    }
  }
  return out;
}

/** One figure that differs: committed (`before`) and recomputed (`after`); undefined on the side that lacks it. */
export type Difference = { path: string; before?: Leaf; after?: Leaf };

/** How `current`'s deterministic figures compare with `committed`'s, for the sections `current` has. */
export type Comparison = { differences: Difference[]; committedPaths: string[]; currentPaths: string[] };

export function compareFigures(committed: unknown, current: unknown, sections: readonly Figures[]): Comparison {
  const ran = sections.filter((section) => isObject(current) && section.key in current);
  const before = deterministicFigures(committed, ran);
  const after = deterministicFigures(current, ran);
  const paths = new Set([...before.keys(), ...after.keys()]);
  const differences = [...paths]
    .filter((path) => before.get(path) !== after.get(path) || before.has(path) !== after.has(path))
    .map((path) => ({
      path,
      ...(before.has(path) && { before: before.get(path) }),
      ...(after.has(path) && { after: after.get(path) }),
    }));
  return { differences, committedPaths: [...before.keys()], currentPaths: [...after.keys()] };
}

/**
 * The differences as report lines: each changed figure with both values; figures only one side
 * has, by group (`size.component`) when the other side has nothing under it.
 */
export function describeDifferences({ differences, committedPaths, currentPaths }: Comparison): string[] {
  const changed = differences.filter((diff) => "before" in diff && "after" in diff);
  const added = differences.filter((diff) => !("before" in diff)).map((diff) => diff.path);
  const removed = differences.filter((diff) => !("after" in diff)).map((diff) => diff.path);
  const lines = changed.map(
    ({ path, before, after }) => `  ${path}: ${show(before!)} → ${show(after!)}${delta(before!, after!)}`,
  );
  if (added.length) lines.push(`  not in bench/results.json: ${groups(added, committedPaths).join(", ")}`);
  if (removed.length) {
    lines.push(`  in bench/results.json, no longer reported: ${groups(removed, currentPaths).join(", ")}`);
  }
  return lines;
}

/**
 * `committed` with `current`'s deterministic figures in place of its own, for the sections
 * `current` has: under a timing key the committed values stay (they came with the machine's load
 * of the run that timed them); figures `current` no longer reports go.
 */
export function mergeDeterministic(
  committed: Record<string, unknown>,
  current: Record<string, unknown>,
  sections: readonly Figures[],
): Record<string, unknown> {
  const merged = { ...committed };
  for (const section of sections) {
    if (!section.deterministic || !(section.key in current)) continue;
    merged[section.key] = mergeValue(
      committed[section.key],
      current[section.key],
      new Set([...section.timings, LOAD_KEY]),
    );
  }
  return merged;
}

function mergeValue(committed: unknown, current: unknown, timings: Set<string>): unknown {
  if (!isObject(committed) || !isObject(current)) return current;
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(current), ...Object.keys(committed)])) {
    if (timings.has(key)) {
      if (key in committed) out[key] = committed[key];
    } else if (key in current) out[key] = mergeValue(committed[key], current[key], timings);
  }
  return out;
}

/** Leaves by dotted path (array items by index), skipping everything under a timing key. */
function leaves(value: unknown, timings: Set<string>, prefix: string, out: Map<string, Leaf>) {
  if (Array.isArray(value)) value.forEach((item, i) => leaves(item, timings, `${prefix}.${i}`, out));
  else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (!timings.has(key)) leaves(child, timings, `${prefix}.${key}`, out);
    }
  } else if (value !== undefined) out.set(prefix, value as Leaf);
}

function show(value: Leaf): string {
  if (typeof value === "number") return num(value, Number.isInteger(value) ? 0 : 2);
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}

function delta(before: Leaf, after: Leaf): string {
  if (typeof before !== "number" || typeof after !== "number") return "";
  return ` (${after > before ? "+" : ""}${num(after - before, Number.isInteger(after - before) ? 0 : 2)})`;
}

/**
 * Each path by its shortest prefix the other side has nothing under (`backfill.runs.usersOnly.1000`
 * for a size no longer run), so a new or dropped part reads as one name.
 */
function groups(paths: string[], other: string[]): string[] {
  const otherPrefixes = new Set(other.flatMap((path) => prefixes(path)));
  return [...new Set(paths.map((path) => prefixes(path).find((prefix) => !otherPrefixes.has(prefix)) ?? path))];
}

function prefixes(path: string): string[] {
  const segments = path.split(".");
  return segments.map((_, i) => segments.slice(0, i + 1).join("."));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
