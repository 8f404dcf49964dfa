/**
 * `npm run bench`: what a delivery, a backfill and the package's bundles cost, and how long the
 * heaviest mutations run. Prints the report and compares it with the committed
 * bench/results.json, which it leaves as it is; `npm run bench -- --update` (or
 * `npm run bench:update`) writes the new figures there. `--only key,key` runs some sections
 * (by their results.json key), for a quicker look; it cannot update.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { changesSince } from "./lib/compare.js";
import { num } from "./lib/format.js";
import { backfillSection } from "./sections/backfill/section.js";
import { costSection } from "./sections/cost.js";
import { healthSection } from "./sections/health.js";
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
];
const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "results.json");
/** Figures that do not depend on the machine, compared with the committed results. */
const COMPARED = ["deliveryCost", "backfill.counts", "size"];
const METHOD_KEYS = ["deliveryCost.method", "size.bundledAs", "userTime.method"];

const { values: flags } = parseArgs({ options: { update: { type: "boolean" }, only: { type: "string" } } });
const only = flags.only?.split(",");
if (only && flags.update) throw new Error("--only runs part of the bench: it cannot --update results.json");
const unknown = only?.filter((key) => !sections.some((section) => section.key === key));
if (unknown?.length)
  throw new Error(`--only: no section ${unknown.join(", ")} (${sections.map((s) => s.key).join(", ")})`);

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
for (const section of sections.filter((section) => !only || only.includes(section.key))) {
  print();
  print(section.title);
  const { lines, json } = await section.run();
  lines.forEach((line) => print(line));
  results[section.key] = json;
}
const seconds = (performance.now() - started) / 1000;
results.durationSeconds = seconds;

const committed = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, "utf8")) : null;
print();
const ran = (key: string) => key.split(".")[0]! in results;
changesSince(committed, results, COMPARED.filter(ran), METHOD_KEYS.filter(ran)).forEach((line) => print(line));
if (flags.update) fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
const where = path.relative(process.cwd(), resultsFile);
print(
  flags.update
    ? `Done in ${num(seconds)} s; figures written to ${where}.`
    : `Done in ${num(seconds)} s; ${where} left as committed (npm run bench:update writes these figures).`,
);
// convex-test keeps the timers of canceled scheduled functions (each backfill step's
// 15-minute watchdog): without this the process would wait for them.
process.exit(0);
