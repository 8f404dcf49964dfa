/**
 * `npm run bench`: what a delivery, a backfill and the package's bundles cost, and how long the
 * heaviest mutations run. Prints the report and compares it with the committed
 * bench/results.json, which it leaves as it is; `npm run bench -- --update` (or
 * `npm run bench:update`) writes the new figures there. `--only key,key` runs some sections
 * (by their results.json key), for a quicker look; it cannot update but with `--deterministic`.
 *
 * `--deterministic` runs only the figures that do not depend on the machine (counts, bytes,
 * simulated time), and with `--update` (`npm run bench:figures`) writes those alone, keeping
 * the committed timings (with `--only`, of those sections alone). `--check` (`npm run bench:check`, part of `npm run lint`) recomputes
 * them and fails, naming each, when one is not the committed figure.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compareFigures, describeDifferences, mergeDeterministic } from "./lib/compare.js";
import { num } from "./lib/format.js";
import { backfillSection } from "./sections/backfill/section.js";
import { costSection } from "./sections/cost.js";
import { healthSection } from "./sections/health.js";
import { heartbeatSection } from "./sections/heartbeat.js";
import type { Section } from "./sections/section.js";
import { sizeSection } from "./sections/size/section.js";
import { throughputSection } from "./sections/throughput.js";
import { userTimeSection } from "./sections/userTime/section.js";
import { verifySection } from "./sections/verify.js";

const sections: Section[] = [
  costSection,
  throughputSection,
  verifySection,
  backfillSection,
  sizeSection,
  userTimeSection,
  healthSection,
  heartbeatSection,
];
const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "results.json");
/** Texts that say how a part was measured: when one changes, so may its figures, without the code. */
const METHOD_KEYS = ["deliveryCost.method", "size.bundledAs", "userTime.method"];

const { values: flags } = parseArgs({
  options: {
    update: { type: "boolean" },
    only: { type: "string" },
    deterministic: { type: "boolean" },
    check: { type: "boolean" },
  },
});
const only = flags.only?.split(",");
const deterministic = Boolean(flags.deterministic || flags.check);
if (only && flags.update && !deterministic) {
  throw new Error("--only runs part of the bench: it cannot --update results.json (but with --deterministic)");
}
if (flags.check && flags.update) throw new Error("--check compares with results.json: it cannot --update it");
const unknown = only?.filter((key) => !sections.some((section) => section.key === key));
if (unknown?.length)
  throw new Error(`--only: no section ${unknown.join(", ")} (${sections.map((s) => s.key).join(", ")})`);
const chosen = sections.filter(
  (section) => (!only || only.includes(section.key)) && (!deterministic || section.deterministic),
);

const print = (line = "") => process.stdout.write(`${line}\n`);
// Both apps log each delivery; thousands of lines would bury the table. Errors still show.
for (const level of ["log", "info", "warn", "debug"] as const) console[level] = () => {};

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model.trim() ?? "unknown",
  cores: cpus.length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  /** 1-minute load average when the run started: above the cores, other work shared the machine. */
  loadAverage: os.loadavg()[0],
};
const started = performance.now();
print(
  `convex-clerk-sync bench — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, ${machine.os}, Node ${machine.node}, load ${num(machine.loadAverage, 1)}`,
);

const results: Record<string, unknown> = { machine };
for (const section of chosen) {
  print();
  print(section.title);
  const start = os.loadavg()[0];
  const { lines, json } = await section.run({ deterministic });
  lines.forEach((line) => print(line));
  results[section.key] = json;
  // A timing is only as good as the machine was quiet: each timed section says how busy it was.
  if (!deterministic && (!section.deterministic || section.timings.length > 0)) {
    const load = { cores: machine.cores, start, end: os.loadavg()[0] };
    (json as Record<string, unknown>).load = load;
    print(
      `Load while timed: 1-minute load average ${num(load.start, 1)} at the start, ${num(load.end, 1)} at the end, on ${load.cores} cores.`,
    );
  }
}
const seconds = (performance.now() - started) / 1000;
results.durationSeconds = seconds;

const committed = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, "utf8")) : null;
const where = path.relative(process.cwd(), resultsFile);
const comparison = compareFigures(committed, results, sections);
const differing = describeDifferences(comparison);
print();
if (flags.check) {
  if (differing.length > 0) {
    print(
      `bench:check: ${comparison.differences.length} deterministic figures of ${where} are not what the code measures now:`,
    );
    differing.forEach((line) => print(line));
    print("npm run bench:figures writes them (then npm run docs:fill); npm run bench:update also times again.");
    process.exit(1);
  }
  print(
    `bench:check: the ${num(comparison.currentPaths.length)} deterministic figures of ${where} are what the code measures (${num(seconds)} s).`,
  );
  process.exit(0);
}
if (!committed) print(`No ${where} to compare with.`);
else if (differing.length === 0)
  print(`Deterministic figures (counts, bytes, simulated time): the same as in ${where}.`);
else {
  print(`Changed from ${where}:`);
  differing.forEach((line) => print(line));
}
for (const key of METHOD_KEYS.filter((key) => key.split(".")[0]! in results)) {
  const [was, is] = [committed, results].map((value) => valueAt(value, key));
  const part = key.split(".")[0]!;
  if (typeof is === "string" && was !== is && valueAt(committed, part) !== undefined) {
    print(`How ${part} is measured (${key}) changed: changes under ${part} may be the method's, not the code's.`);
  }
}
if (flags.update) {
  const written = deterministic && committed ? mergeDeterministic(committed, results, sections) : results;
  fs.writeFileSync(resultsFile, `${JSON.stringify(written, null, 2)}\n`);
}
print(
  flags.update
    ? `Done in ${num(seconds)} s; ${deterministic ? "deterministic figures" : "figures"} written to ${where}.`
    : `Done in ${num(seconds)} s; ${where} left as committed (npm run bench:update writes these figures).`,
);
// convex-test keeps the timers of canceled scheduled functions (each backfill step's
// 15-minute watchdog): without this the process would wait for them.
process.exit(0);

function valueAt(value: unknown, key: string): unknown {
  for (const part of key.split(".")) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}
