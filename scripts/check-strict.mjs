// The package's source under a strict host's flags (tsconfig.strict.json). Errors inside
// node_modules are the libraries' own and are not reported; any error in src/ fails.
import { spawnSync } from "node:child_process";

const tsc = spawnSync("npx", ["tsc", "-p", "tsconfig.strict.json"], { encoding: "utf8" });
const errors = tsc.stdout.split("\n").filter((line) => /error TS\d+/.test(line) && !line.startsWith("node_modules/"));
if (errors.length > 0) {
  console.error(`check-strict: ${errors.length} error(s) under a strict host's flags:\n${errors.join("\n")}`);
  process.exit(1);
}
console.log("check-strict: src compiles under strict host flags");
