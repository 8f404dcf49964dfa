// `npm run check:pack`: the README's Set up as a new user meets it. The package is packed
// (`npm pack`), a new app is made in a temporary folder outside the repository from Set up's
// files alone, Set up's own `npm install` commands are run there against the registry (with the
// tarball for `convex-clerk-sync`), and the app's first test runs with the vitest it installed.
// Unlike `npm run typecheck`, which links the repository's node_modules into its host, nothing
// here comes from the repository but the tarball and Set up's files: a dependency the package
// uses but does not declare, or one Set up does not name, fails here.
//
// It needs the registry, so it is not part of `npm test` or CI. `_generated/` stands in for what
// `npx convex dev` writes (no deployment is reachable here): the example app's, its module list
// rewritten for Set up's files, as `npm run typecheck` does.
//
// Usage: npm run check:pack [-- --keep]   (--keep leaves the app for a look)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { run, SETUP_APP, setupInstalls, writeSetupApp } from "./host.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PACKAGE = "convex-clerk-sync";

function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), "new-app-"));
  const app = path.join(work, "app");
  let problem;
  try {
    const packed = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], { cwd: root });
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    const tarball = path.join(work, packed.stdout.trim().split("\n").pop());
    writeSetupApp(root, app);
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "new-app", private: true, type: "module" }));
    problem = install(app, tarball) ?? firstTest(app);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  } finally {
    if (process.argv.includes("--keep")) console.log(`check-pack: the new app is kept at ${app}`);
    else rmSync(work, { recursive: true, force: true });
  }
  if (problem) {
    console.error(`check-pack: ${problem}`);
    process.exit(1);
  }
}

/** Set up's `npm install` commands, in order, the package's name replaced by the tarball: null when they pass. */
function install(app, tarball) {
  const installs = setupInstalls(root);
  if (!installs.some((args) => args.includes(PACKAGE))) {
    return `${SETUP_APP.readme}'s ${SETUP_APP.heading} never installs ${PACKAGE}`;
  }
  for (const args of installs) {
    const command = ["install", ...args.slice(1).map((arg) => (arg === PACKAGE ? tarball : arg))];
    console.log(`check-pack: npm ${args.join(" ")}`);
    const npm = run("npm", [...command, "--no-audit", "--no-fund"], { cwd: app });
    if (npm.status !== 0) return `npm ${args.join(" ")} failed in the new app:\n${npm.stdout}${npm.stderr}`;
  }
  return null;
}

/** The app's tests, with its own vitest: null when they pass. */
function firstTest(app) {
  const vitest = run(path.join(app, "node_modules/.bin/vitest"), ["run"], {
    cwd: app,
    env: { ...process.env, CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const passed = /Tests\s+(\d+) passed/.exec(vitest.stdout);
  if (vitest.status !== 0 || !passed) {
    return `the new app made from ${SETUP_APP.readme}'s ${SETUP_APP.heading} fails its tests:\n${vitest.stdout}${vitest.stderr}`;
  }
  console.log(
    `check-pack: a new app made from ${SETUP_APP.readme}'s ${SETUP_APP.heading} alone, with the packed package ` +
      `and what Set up installs from the registry, passes its ${passed[1]} test(s)`,
  );
  return null;
}

main();
