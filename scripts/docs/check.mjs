// `npm run lint` (last step): the README and the guides say what the code and the bench say.
// - Every TypeScript block names its source file (`<!-- file: example/convex/clerk.ts -->` on the
//   line before) and is that file, as it is; the sources are the apps `npm run typecheck` compiles
//   as a host against the packed package (HOST_APPS in host.mjs).
// - Every figure between `<!-- figure: … -->` markers is bench/results.json's (figures.mjs).
// - Every relative link reaches a file, and a heading when it names one (links.mjs).
//
// Usage: node scripts/docs/check.mjs [--write]   (--write fills blocks and figures in place)
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { fillFigures } from "./figures.mjs";
import { SOURCE_DIRS } from "./host.mjs";
import { brokenLinks } from "./links.mjs";
import { CHECKED_LANGUAGES, fencedBlocks, markdownFiles, read, withSources } from "./markdown.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const write = process.argv.includes("--write");
const SNIPPETS = "docs/snippets";

async function main() {
  const results = JSON.parse(read(root, "bench/results.json"));
  const problems = [];
  const used = new Set();
  for (const file of markdownFiles(root)) {
    const text = read(root, file);
    problems.push(...blockProblems(file, text, used));
    let expected;
    try {
      expected = await formatted(file, fillFigures(withSources(text, sourceText), results));
    } catch (error) {
      problems.push(`${file}: ${error.message}`);
      continue;
    }
    if (expected === text) continue;
    if (write) {
      writeFileSync(path.join(root, file), expected);
      console.log(`docs-check: filled ${file}`);
    } else {
      problems.push(`${file}: ${describeDrift(text, expected)}; run npm run docs:fill`);
    }
  }
  for (const file of markdownFiles(root)) problems.push(...brokenLinks(root, file));
  for (const snippet of snippetFiles()) {
    if (!used.has(snippet)) problems.push(`${snippet}: no block of the docs shows it (remove it, or show it)`);
  }
  if (problems.length > 0) {
    console.error(`docs-check: ${problems.length} problem(s):\n${problems.join("\n")}`);
    process.exit(1);
  }
  console.log(
    "docs-check: every code block is its source file, every figure is bench/results.json's, every link resolves",
  );
}

/** TypeScript blocks without a source, or with one the host check does not compile. */
function blockProblems(file, text, used) {
  const problems = [];
  for (const block of fencedBlocks(text)) {
    if (!CHECKED_LANGUAGES.has(block.lang)) continue;
    const where = `${file}:${block.start + 1}`;
    if (!block.source) {
      problems.push(`${where}: a ${block.lang} block without <!-- file: … --> naming its source`);
    } else if (!SOURCE_DIRS.some((dir) => block.source.startsWith(`${dir}/`))) {
      problems.push(`${where}: ${block.source} is not in ${SOURCE_DIRS.join(", ")}, which the host check compiles`);
    } else if (!existsSync(path.join(root, block.source))) {
      problems.push(`${where}: ${block.source} does not exist`);
    } else {
      used.add(block.source);
    }
  }
  return problems;
}

function sourceText(source) {
  const file = path.join(root, source);
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

async function formatted(file, text) {
  const options = (await prettier.resolveConfig(path.join(root, file))) ?? {};
  return prettier.format(text, { ...options, filepath: path.join(root, file) });
}

/** The first line that differs, to say where. */
function describeDrift(actual, expected) {
  const a = actual.split("\n");
  const e = expected.split("\n");
  const line = a.findIndex((text, i) => text !== e[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1} differs from its source or from bench/results.json (expected ${JSON.stringify(e[at] ?? "")})`;
}

function snippetFiles() {
  return readdirSync(path.join(root, SNIPPETS), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

await main();
