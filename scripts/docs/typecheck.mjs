// `npm run typecheck` (last step): the README's and the guides' code, compiled as a host
// compiles it against the packed package, under the strictest flags hosts commonly set and
// `skipLibCheck: false` (see host.mjs). Any error in the host's files or in the package's
// files fails. Then the README's Set up, a new app of its own, runs its tests with vitest. Errors inside other libraries' declarations are listed; each library allowed
// to have them is named below with the reason, and any other library's error fails.
//
// Usage: node scripts/docs/typecheck.mjs [--keep]   (--keep leaves the host folder for a look)
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createHost, HOST_APPS, removeHost, run, SETUP_APP } from "./host.mjs";

/** Libraries whose own declarations fail under the host's flags, and why that is not ours. */
export const THIRD_PARTY_DECLARATION_ERRORS = {
  "@clerk/shared":
    "its declarations fail under exactOptionalPropertyTypes and import optional peer modules it does " +
    "not depend on (@stripe/stripe-js, @zxcvbn-ts/core…); reached through @clerk/backend's types",
  "happy-dom":
    "its declarations name node:stream/web types that @types/node 20 lacks; reached through vitest/config's types " +
    "in Set up's vitest.config.ts",
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function main() {
  ensureBuilt();
  const packDir = mkdtempSync(path.join(os.tmpdir(), "docs-pack-"));
  let host = null;
  let problem;
  try {
    const packed = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", packDir], { cwd: root });
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    host = createHost(root, path.join(packDir, packed.stdout.trim().split("\n").pop()));
    problem = compileHost(host) ?? testSetupApp(path.join(host, SETUP_APP.name));
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  } finally {
    rmSync(packDir, { recursive: true, force: true });
    if (host && process.argv.includes("--keep")) console.log(`docs-typecheck: host kept at ${host}`);
    else if (host) removeHost(host);
  }
  if (problem) fail(problem);
  console.log(
    `docs-typecheck: ${[...Object.keys(HOST_APPS), SETUP_APP.name].join(", ")} and every docs snippet compile ` +
      `against the packed package; ${SETUP_APP.readme}'s ${SETUP_APP.heading} passes its tests`,
  );
}

/** The host's tsc run: null when it passes, else what failed. */
function compileHost(host) {
  const tsc = run(path.join(root, "node_modules/.bin/tsc"), ["-p", host, "--pretty", "false"], { cwd: host });
  const report = classify(tsc.stdout, host);
  for (const [library, count] of Object.entries(report.tolerated)) {
    console.log(
      `docs-typecheck: ${count} error(s) in ${library}'s own declarations (${THIRD_PARTY_DECLARATION_ERRORS[library]})`,
    );
  }
  if (report.failing.length > 0) {
    return `${report.failing.length} error(s) compiling the docs' code as a host:\n${report.failing.join("\n")}`;
  }
  if (tsc.status !== 0 && Object.keys(report.tolerated).length === 0) return `tsc failed:\n${tsc.stdout}${tsc.stderr}`;
  return null;
}

/** Set up's app runs its own tests, with its own vitest config: null when they pass. */
function testSetupApp(app) {
  const vitest = run(path.join(root, "node_modules/.bin/vitest"), ["run", "--root", app], {
    cwd: app,
    env: { ...process.env, CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  if (vitest.status === 0 && /Tests\s+\d+ passed/.test(vitest.stdout)) return null;
  return `${SETUP_APP.readme}'s ${SETUP_APP.heading} fails its tests:\n${vitest.stdout}${vitest.stderr}`;
}

/** tsc's errors (each with its continuation lines), split into tolerated per library and failing. */
function classify(output, host) {
  const errors = [];
  for (const line of output.split("\n")) {
    if (/error TS\d+/.test(line)) errors.push(line);
    else if (line.trim() && errors.length > 0) errors[errors.length - 1] += `\n${line}`;
  }
  const tolerated = {};
  const failing = [];
  for (const error of errors) {
    const library = libraryOf(error.slice(0, error.indexOf("(")), host);
    if (library && library !== "convex-clerk-sync" && library in THIRD_PARTY_DECLARATION_ERRORS) {
      tolerated[library] = (tolerated[library] ?? 0) + 1;
    } else {
      failing.push(error.replaceAll(host, "<host>"));
    }
  }
  return { tolerated, failing };
}

/** The package a file belongs to, from its node_modules path; null for the host's own files. */
function libraryOf(file, host) {
  const absolute = path.resolve(host, file);
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(absolute.split(path.sep).join("/"));
  return match ? match[1] : null;
}

/** The package is packed from dist/: it must be built from the current source. */
function ensureBuilt() {
  const built = path.join(root, "dist/client/index.js");
  let builtAt;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    fail("dist/ is missing: run npm run build first");
  }
  const newer = readdirSync(path.join(root, "src"), { recursive: true })
    .map((file) => path.join(root, "src", file))
    .find((file) => file.endsWith(".ts") && statSync(file).mtimeMs > builtAt);
  if (newer) fail(`dist/ is older than ${path.relative(root, newer)}: run npm run build first`);
}

function fail(message) {
  console.error(`docs-typecheck: ${message}`);
  process.exit(1);
}

main();
