// `npm run lint` (last step): every markdown file of the repository says what the code and the
// bench say (markdown.mjs parses them with remark).
// - Every TypeScript or JavaScript block, in any spelling (`ts`, `TS`, `mts`, `js`, `jsx`…), and
//   every unlabelled one, names its source file (`<!-- file: example/convex/clerk.ts -->` just
//   before it), is labelled `ts` or `tsx` and is that file, as it is; the sources are the apps
//   `npm run typecheck` compiles as a host against the packed package (HOST_APPS in host.mjs).
//   A block that is not code says so with its label (`text`, `sh`, `json`…); indented blocks
//   are refused, as they cannot be labelled.
// - Every figure between `<!-- figure: … -->` markers is bench/results.json's, and no figure is
//   written without them (figures.mjs).
// - Every local link, inline or reference-style, reaches a file, and a heading when it names one
//   (links.mjs).
// - Every name the docs give the package (API names, options, CLI commands and flags, event
//   types, environment variables, error codes and reasons) exists, and every export list is
//   complete (claims.mjs).
//
// Usage: node scripts/docs/check.mjs [--write]   (--write fills blocks and figures in place)
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { claimProblems, knownNames } from "./claims.mjs";

export { knownNames };
import { fillFigures, unmarkedFigures } from "./figures.mjs";
import { SOURCE_DIRS } from "./host.mjs";
import { brokenLinks } from "./links.mjs";
import {
  CODE_LANGUAGES,
  COMPILED_LANGUAGES,
  codeBlocks,
  markdownFiles,
  parseMarkdown,
  read,
  withSources,
} from "./markdown.mjs";

const SNIPPETS = "docs/snippets";

/**
 * Every problem of the markdown files under `root` (a repository, or a copy of one), as
 * `file:line: what`; with `write`, blocks and figures are filled in place instead. `only` limits
 * the checks to some files (links are still resolved against all); `known` reuses the names
 * read by an earlier run (`knownNames(root)`).
 */
export async function checkDocs(root, { write = false, only, known } = {}) {
  const results = JSON.parse(read(root, "bench/results.json"));
  const problems = [];
  const used = new Set();
  const files = markdownFiles(root);
  known ??= await knownNames(root);
  for (const file of only ?? files) {
    const text = read(root, file);
    const tree = parseMarkdown(text);
    problems.push(...blockProblems(root, file, text, tree, used));
    problems.push(...unmarkedFigures(file, text, tree));
    problems.push(...claimProblems(root, file, text, known, tree));
    let expected;
    try {
      expected = await formatted(root, file, fillFigures(withSources(text, sourceText(root)), results));
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
  const linkProblems = await brokenLinks(root, files);
  problems.push(...linkProblems.filter((problem) => !only || only.some((file) => problem.startsWith(`${file}:`))));
  if (only) return problems;
  for (const snippet of snippetFiles(root)) {
    if (!used.has(snippet)) problems.push(`${snippet}: no block of the docs shows it (remove it, or show it)`);
  }
  return problems;
}

/**
 * Code blocks that are, or may be, TypeScript or JavaScript without a source the host check
 * compiles; indented blocks; sources that do not exist.
 */
function blockProblems(root, file, text, tree, used) {
  const problems = [];
  for (const block of codeBlocks(text, tree)) {
    const where = `${file}:${block.start + 1}`;
    if (!block.fenced) {
      problems.push(
        `${where}: an indented code block: fence it, labelled with its language (ts with its source, or text…)`,
      );
      continue;
    }
    if (block.lang === null) {
      problems.push(
        `${where}: an unlabelled code block: label it (ts with <!-- file: … --> when it is code; text, sh, json… when not)`,
      );
      continue;
    }
    const code = CODE_LANGUAGES.has(block.lang.toLowerCase());
    if (!code) continue;
    if (!COMPILED_LANGUAGES.has(block.lang)) {
      problems.push(
        `${where}: a \`${block.lang}\` block is not compiled: the docs' code is TypeScript, labelled ts or tsx and named by <!-- file: … --> (label it text if it is not code)`,
      );
    } else if (!block.source) {
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

function sourceText(root) {
  return (source) => {
    const file = path.join(root, source);
    return existsSync(file) ? readFileSync(file, "utf8") : null;
  };
}

/** The text as Prettier formats the file, or as it is when .prettierignore names the file. */
async function formatted(root, file, text) {
  const { ignored } = await prettier.getFileInfo(path.join(root, file), {
    ignorePath: path.join(root, ".prettierignore"),
  });
  if (ignored) return text;
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

function snippetFiles(root) {
  return readdirSync(path.join(root, SNIPPETS), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

async function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  const problems = await checkDocs(root, { write: process.argv.includes("--write") });
  if (problems.length > 0) {
    console.error(`docs-check: ${problems.length} problem(s):\n${problems.join("\n")}`);
    process.exit(1);
  }
  console.log(
    "docs-check: every code block is its source file or labelled as not code, every figure is bench/results.json's, " +
      "every link resolves, every name the docs give exists",
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
