/**
 * `npm run bench`: what one delivery costs and how it grows, side by side with a
 * naive implementation (bench/naive). Prints a table and writes bench/results.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { changesSince } from "./lib/compare.js";
import { num } from "./lib/format.js";
import { backfillSection } from "./sections/backfill.js";
import { costSection } from "./sections/cost.js";
import type { Section } from "./sections/section.js";
import { sizeSection } from "./sections/size.js";
import { throughputSection } from "./sections/throughput.js";
import { verifySection } from "./sections/verify.js";

const sections: Section[] = [costSection, throughputSection, verifySection, backfillSection, sizeSection];
const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "results.json");

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
};
const started = performance.now();
print(
  `convex-clerk-sync bench — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, ${machine.os}, Node ${machine.node}`,
);

const results: Record<string, unknown> = { machine };
for (const section of sections) {
  print();
  print(section.title);
  const { lines, json } = await section.run();
  lines.forEach((line) => print(line));
  results[section.key] = json;
}
const seconds = (performance.now() - started) / 1000;
results.durationSeconds = seconds;

const previous = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, "utf8")) : null;
print();
changesSince(
  previous,
  results,
  ["deliveryCost", "backfill.counts", "size"],
  ["deliveryCost.method", "size.bundledAs"],
).forEach((line) => print(line));
fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
print(`Done in ${num(seconds)} s; figures written to ${path.relative(process.cwd(), resultsFile)}.`);
// convex-test keeps the timers of canceled scheduled functions (each backfill step's
// 15-minute watchdog): without this the process would wait for them.
process.exit(0);
