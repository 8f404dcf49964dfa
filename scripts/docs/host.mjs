// The docs' code as a host compiles it: the packed package (`npm pack`) installed into a host
// holding the apps the docs show (HOST_APPS, and Set up's new app: SETUP_APP), type-checked under
// the strictest flags hosts commonly set, with `skipLibCheck: false` so the package's
// declarations are checked too.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { toString } from "mdast-util-to-string";
import { codeBlocks, parseMarkdown, read } from "./markdown.mjs";

export const HOST_COMPILER_OPTIONS = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  verbatimModuleSyntax: true,
  skipLibCheck: false,
  noEmit: true,
  target: "ESNext",
  module: "ESNext",
  moduleResolution: "Bundler",
  isolatedModules: true,
  jsx: "react-jsx",
  lib: ["ES2023", "DOM", "DOM.Iterable"],
  types: ["node", "vite/client"],
};

/**
 * The apps the docs show, each a folder of the host: host folder → the repository folders merged
 * into it, in order. The example app with the guides' snippets (files written as if they sat in
 * the example app), and the migration guide's app.
 */
export const HOST_APPS = {
  example: { convex: ["example/convex", "docs/snippets/convex"], app: ["example/app", "docs/snippets/app"] },
  migration: { convex: ["tests/migration/after/convex"] },
};

/**
 * The README's Set up, as a new app made from it alone: exactly the files its blocks show, each
 * at its place in the app (`example/convex/x.ts` → `convex/x.ts`, `docs/snippets/setup/y` → `y`),
 * with `_generated/` as codegen writes it for them. The host compiles it, then runs its tests.
 */
export const SETUP_APP = {
  name: "setup",
  readme: "README.md",
  heading: "Set up",
  snippets: "docs/snippets/setup",
  generated: "example/convex/_generated",
};

/** Every repository folder a docs code block may come from. */
export const SOURCE_DIRS = [
  ...Object.values(HOST_APPS).flatMap((app) => Object.values(app).flat()),
  SETUP_APP.snippets,
];

/** The sources of the blocks in the README's Set up section, in order. */
export function setupSources(root) {
  return setupBlocks(root)
    .filter((block) => block.source)
    .map((block) => block.source);
}

/** The `npm install …` commands of the README's Set up section, in order, each as its arguments. */
export function setupInstalls(root) {
  return setupBlocks(root)
    .filter((block) => block.lang === "sh")
    .flatMap((block) => block.body.split("\n"))
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => /^npm (install|i)\b/.test(line))
    .map((line) => line.split(/\s+/).slice(1));
}

/** The code blocks of the README's Set up section. */
function setupBlocks(root) {
  const text = read(root, SETUP_APP.readme);
  const tree = parseMarkdown(text);
  const start = tree.children.findIndex(
    (node) => node.type === "heading" && node.depth === 2 && toString(node) === SETUP_APP.heading,
  );
  if (start === -1) throw new Error(`${SETUP_APP.readme} has no "## ${SETUP_APP.heading}" section`);
  const next = tree.children.findIndex((node, i) => i > start && node.type === "heading" && node.depth <= 2);
  const from = tree.children[start].position.start.line - 1;
  const to = next === -1 ? Infinity : tree.children[next].position.start.line - 1;
  return codeBlocks(text, tree).filter((block) => block.start > from && block.start < to);
}

/** Where a Set up block's source sits in the new app. */
export function setupPath(source) {
  if (source.startsWith(`${SETUP_APP.snippets}/`)) return source.slice(SETUP_APP.snippets.length + 1);
  for (const folders of Object.values(HOST_APPS)) {
    for (const [folder, sources] of Object.entries(folders)) {
      const dir = sources.find((dir) => source.startsWith(`${dir}/`));
      if (dir) return `${folder}/${source.slice(dir.length + 1)}`;
    }
  }
  throw new Error(`${source}: a Set up block from outside ${SOURCE_DIRS.join(", ")}`);
}

/** A fresh host in a temporary folder, with `tarball` extracted as node_modules/convex-clerk-sync. */
export function createHost(root, tarball) {
  const host = mkdtempSync(path.join(os.tmpdir(), "docs-host-"));
  writeFileSync(path.join(host, "package.json"), JSON.stringify({ name: "docs-host", private: true, type: "module" }));
  writeFileSync(
    path.join(host, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: HOST_COMPILER_OPTIONS,
      include: [...Object.keys(HOST_APPS), SETUP_APP.name, "entryPoints.ts"],
    }),
  );
  installPackage(root, host, tarball);
  for (const [name, folders] of Object.entries(HOST_APPS)) {
    for (const [folder, sources] of Object.entries(folders)) {
      for (const source of sources) {
        cpSync(path.join(root, source), path.join(host, name, folder), {
          recursive: true,
          filter: (file) => path.basename(file) !== "tsconfig.json",
        });
      }
    }
    writeApiModules(path.join(host, name, "convex"));
  }
  writeSetupApp(root, path.join(host, SETUP_APP.name));
  writeFileSync(
    path.join(host, "entryPoints.ts"),
    entryPointImports(path.join(host, "node_modules/convex-clerk-sync")),
  );
  return host;
}

/** Set up's files alone, and the `_generated/` codegen writes for them. */
export function writeSetupApp(root, app) {
  for (const source of setupSources(root)) {
    const target = path.join(app, setupPath(source));
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(path.join(root, source), target);
  }
  const convexDir = path.join(app, "convex");
  cpSync(path.join(root, SETUP_APP.generated), path.join(convexDir, "_generated"), { recursive: true });
  writeApiModules(convexDir);
}

/**
 * The tarball's files as npm installs them; its dependencies resolve to the repository's
 * node_modules (the versions the lock file pins), linked one by one, so no registry is needed.
 */
function installPackage(root, host, tarball) {
  const modules = path.join(host, "node_modules");
  mkdirSync(modules);
  for (const name of readdirSync(path.join(root, "node_modules"))) {
    if (name.startsWith(".")) continue;
    symlinkSync(path.join(root, "node_modules", name), path.join(modules, name));
  }
  const target = path.join(modules, "convex-clerk-sync");
  mkdirSync(target);
  run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
}

/**
 * `_generated/api.d.ts` names the app's modules and components; the host has the snippets'
 * modules too, so the lists are rewritten as `convex codegen` writes them: every module but
 * schema, config and files whose name has more than one dot, and the components convex.config.ts
 * uses.
 */
function writeApiModules(convexDir) {
  const file = path.join(convexDir, "_generated/api.d.ts");
  const modules = readdirSync(convexDir, { recursive: true })
    .map((entry) => entry.split(path.sep).join("/"))
    .filter((entry) => /\.(ts|tsx|js|jsx)$/.test(entry) && !entry.startsWith("_generated/"))
    .filter((entry) => path.basename(entry).split(".").length === 2 && !/^schema\.\w+$/.test(entry))
    .map((entry) => entry.replace(/\.\w+$/, ""))
    .sort();
  const config = readFileSync(path.join(convexDir, "convex.config.ts"), "utf8");
  const name = (module) => module.replaceAll("/", "_");
  const text = readFileSync(file, "utf8")
    .replace(
      /(import type \* as \w+ from "\.\.\/[^"]+";\n)+/,
      modules.map((m) => `import type * as ${name(m)} from "../${m}.js";\n`).join(""),
    )
    .replace(
      /declare const fullApi: ApiFromModules<\{[^}]*\}>;/,
      `declare const fullApi: ApiFromModules<{\n${modules.map((m) => `  ${JSON.stringify(m)}: typeof ${name(m)};`).join("\n")}\n}>;`,
    )
    .replace(/^ {2}(\w+): import\(.*\n/gm, (line, component) => (config.includes(`app.use(${component})`) ? line : ""));
  writeFileSync(file, text);
}

/** An import of every entry point the package exports, so each one's declarations are checked. */
function entryPointImports(packageDir) {
  const { exports } = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
  return Object.keys(exports)
    .filter((key) => key !== "./package.json")
    .map(
      (key, i) => `import type * as entry${i} from "convex-clerk-sync${key.slice(1)}";\nexport type { entry${i} };\n`,
    )
    .join("");
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.error) throw result.error;
  return result;
}

export function removeHost(host) {
  rmSync(host, { recursive: true, force: true });
}
