// The names the docs give exist, and the export lists are complete.
// - Names: every identifier in inline code, every camelCase word and every CONSTANT_CASE word of
//   the prose and tables, every event type, CLI command and flag, environment variable, error code
//   and reason is one the package has (its declarations in dist/, read with the TypeScript
//   compiler API; its CLI's commander program; the variables its source reads), or one of the apps
//   the docs show, of Clerk's payloads (tests/fixtures) or of a library the docs' code imports.
//   A name called on `clerk` or `backfill` is a member of ClerkSync or ClerkBackfill.
//   Maintainers' pages (MAINTAINER_DOCS) may also name the repository's internal code.
//   CHANGELOG.md is history: it names what was renamed or removed, so its names are not checked
//   (its links, code blocks and figures are).
// - Export lists: docs/api.md's "Exports, by entry point" names every export of each entry point
//   (an item that points at a guide instead: that guide names them).
import path from "node:path";
import { toString } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import { parseMarkdown, read } from "./markdown.mjs";
import { EVENT_RESOURCE, isEventType, tokens } from "./names.mjs";

export { knownNames } from "./names.mjs";

/** Pages for the package's maintainers: they may name its internal code too. */
export const MAINTAINER_DOCS = [
  "docs/development.md",
  "docs/convex-limits.md",
  "bench/README.md",
  "src/component/README.md",
  "tests/fixtures/README.md",
];
const UNCHECKED_NAMES = new Set(["CHANGELOG.md"]);

/** One message per name of `file` that does not exist, and per export an export list leaves out. */
export function claimProblems(root, file, text, known, tree = parseMarkdown(text)) {
  if (UNCHECKED_NAMES.has(file)) return [];
  const maintainer = MAINTAINER_DOCS.includes(file);
  const problems = [];
  const report = (node, name, why) => problems.push(`${file}:${node.position.start.line}: \`${name}\` ${why}`);
  const exists = (name) =>
    known.declarations.names.has(name) ||
    known.declarations.strings.has(name) ||
    known.cli.flags.has(name) ||
    known.cli.commands[name] !== undefined ||
    known.hosts.has(name) ||
    known.fixtures.has(name) ||
    known.libraries.has(name) ||
    known.outside.has(name) ||
    known.env.has(name) ||
    (maintainer && known.internal.has(name));
  const NOT_FOUND =
    "is named nowhere in the package (its declarations in dist/, its CLI), the apps the docs show, Clerk's payloads" +
    (maintainer ? ", the repository's code" : "") +
    " or the libraries the docs use";

  visit(tree, (node, _index, parent) => {
    if (node.type === "inlineCode") inlineProblems(node, node.value, known, exists, report, NOT_FOUND);
    else if (node.type === "code" && (node.lang === "sh" || node.lang === "bash")) {
      for (const line of node.value.split("\n")) commandProblems(node, line, known, report);
    } else if (node.type === "text" && parent?.type !== "link") proseProblems(node, exists, known, report, NOT_FOUND);
  });
  if (file === "docs/api.md") problems.push(...exportListProblems(root, file, tree, known));
  return problems;
}

const FILE_LIKE = /^[\w@.<>*-]*\/|\.(ts|tsx|js|mjs|json|md|yml|local)$|^\.[\w.]+$/;
const COMMAND = /^(npm|npx|node|tsx|git|vitest)\b/;
const FLAG = /(?<![\w-])--[a-z][\w-]*/g;

function inlineProblems(node, value, known, exists, report, notFound) {
  const code = value.trim();
  if (!code || /^<!--/.test(code) || /^\w+:\/\//.test(code) || /^(GET|POST|PATCH|PUT|DELETE) \//.test(code)) return;
  if (COMMAND.test(code) || /^(convex-clerk-sync|doctor|send)( |$)/.test(code)) {
    commandProblems(node, code, known, report);
    return;
  }
  if (/^--[a-z]/.test(code)) {
    const flag = code.split(/[\s=]/)[0];
    if (!known.cli.flags.has(flag) && !known.scriptFlags.has(flag)) {
      report(node, flag, "is no flag of the CLI (convex-clerk-sync send, doctor) nor of the repository's scripts");
    }
    return;
  }
  if (FILE_LIKE.test(code) && !/[(\s]/.test(code)) return;
  if (/^[\w*]+\.[\w*]+$/.test(code) && EVENT_RESOURCE.test(code.split(".")[0])) {
    const [resource, action] = code.split(".");
    const found = action === "*" ? [...known.events].some((e) => e.startsWith(`${resource}.`)) : known.events.has(code);
    if (!found) report(node, code, "is no event type the package handles, the CLI sends or Clerk's payloads show");
    if (found || action === "*") return;
  }
  // Headers, packages and log lines (`svix-id`, `cli-progress`, `rejected: <reason>`), and
  // percent-encoded keys, are not names.
  if (/\b[A-Za-z]+-[A-Za-z]+\b/.test(code.replace(/"[^"]*"/g, "")) || /<\w+>|%/.test(code)) return;
  const strings = new Set();
  const names = new Set();
  tokens(code.replace(/…/g, " "), names, strings, { words: false, keywords: false });
  for (const name of names) {
    // An id's prefix (`user_…`, `sk_…`) is not a name.
    if (name.endsWith("_")) continue;
    if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(name) && !exists(name)) {
      report(node, name, "is no environment variable the package reads and no error code or reason it declares");
    } else if (!exists(name)) report(node, name, notFound);
  }
  for (const value of strings) {
    if (isEventType(value) && !known.events.has(value)) report(node, value, "is no event type the package handles");
    else if (/^[a-z]+(_[a-z]+)+$/.test(value) && !exists(value)) report(node, value, notFound);
    else if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(value) && !exists(value)) {
      report(node, value, "is no error code, reason or environment variable the package declares or reads");
    }
  }
  for (const [, receiver, member] of code.matchAll(/\b(clerk|backfill)\.(\w+)\s*\(/g)) {
    const owner = receiver === "clerk" ? "ClerkSync" : "ClerkBackfill";
    if (!known.declarations.classes[owner].has(member))
      report(node, `${receiver}.${member}`, `: ${owner} has no ${member}`);
  }
}

/** `convex-clerk-sync <command> --flags` (npx or not), and `npm run x -- --flags`. */
function commandProblems(node, line, known, report) {
  const cli = /(?:^|\s)(?:npx\s+)?convex-clerk-sync\s+([a-z-]+)(.*)$/.exec(line) ?? /^(doctor|send)\b(.*)$/.exec(line);
  if (cli) {
    const [, command, rest] = cli;
    const flags = known.cli.commands[command];
    if (!flags) {
      report(
        node,
        `convex-clerk-sync ${command}`,
        `: the CLI has no command ${command} (it has ${Object.keys(known.cli.commands).join(", ")})`,
      );
      return;
    }
    for (const [flag] of rest.matchAll(FLAG)) {
      if (!flags.has(flag)) report(node, flag, `is no flag of convex-clerk-sync ${command}`);
    }
    return;
  }
  const script = /^npm run [\w:-]+ -- (.*)$/.exec(line.trim());
  if (script) {
    for (const [flag] of script[1].matchAll(FLAG)) {
      if (!known.scriptFlags.has(flag)) report(node, flag, "is no flag of the repository's scripts");
    }
  }
}

function proseProblems(node, exists, known, report, notFound) {
  for (const [name] of node.value.matchAll(/(?<![\w./-])[a-z]+[A-Z][A-Za-z0-9]*(?![\w/-])/g)) {
    if (!exists(name)) report(node, name, notFound);
  }
  for (const [name] of node.value.matchAll(/(?<![\w./-])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![\w/-])/g)) {
    if (!exists(name)) report(node, name, "is no environment variable the package reads and no error code it declares");
  }
}

/** docs/api.md's export list against each entry point's real exports. */
function exportListProblems(root, file, tree, known) {
  const problems = [];
  const index = tree.children.findIndex((n) => n.type === "heading" && toString(n) === "Exports, by entry point");
  const list = tree.children.slice(index + 1).find((n) => n.type === "list");
  if (index === -1 || !list) return [`${file}: no "Exports, by entry point" section with a list of the entry points`];
  const listed = new Set();
  for (const item of list.children) {
    const entry = toString(item).match(/^convex-clerk-sync(?:[\w/.-]*\w)?/)?.[0];
    const exports = known.declarations.exported[entry];
    const where = `${file}:${item.position.start.line}`;
    if (!exports) {
      problems.push(`${where}: \`${entry}\` is no entry point of package.json's exports`);
      continue;
    }
    listed.add(entry);
    // The names after the entry point's own.
    const names = new Set();
    let codes = 0;
    visit(item, "inlineCode", (node) => {
      if (codes++ > 0) tokens(node.value, names);
    });
    // An item that points at a guide instead of naming the exports: the guide must name them.
    const guide = [];
    visit(item, "link", (link) => {
      guide.push(link.url.split("#")[0]);
    });
    if (codes <= 1 && guide.length === 1) {
      const target = path.join(path.dirname(file), guide[0]);
      for (const name of inlineNames(parseMarkdown(read(root, target)))) names.add(name);
    }
    for (const name of [...exports].sort()) {
      if (!names.has(name)) problems.push(`${where}: \`${name}\` is exported by ${entry} but the list leaves it out`);
    }
  }
  for (const entry of Object.keys(known.declarations.exported)) {
    if (!listed.has(entry))
      problems.push(`${file}:${list.position.start.line}: the export list has no item for ${entry}`);
  }
  return problems;
}

function inlineNames(tree) {
  const names = new Set();
  visit(tree, "inlineCode", (node) => {
    tokens(node.value, names);
  });
  return names;
}
