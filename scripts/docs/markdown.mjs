// The markdown the docs checks read: every .md file of the repository, parsed with remark
// (mdast, GitHub-flavoured), with its code blocks and the `<!-- file: … -->` marker that names
// each TypeScript block's source.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { visit } from "unist-util-visit";

/** Folders that hold no markdown of the project's own. */
const SKIPPED_DIRS = new Set(["node_modules", "dist", ".git", "_generated"]);

/** Every .md file of the repository, relative to its root, README.md first, then sorted. */
export function markdownFiles(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) {
        walk(path.join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith(".md")) {
        files.push(path.join(dir, entry.name).split(path.sep).join("/"));
      }
    }
  };
  walk("");
  return files.sort((a, b) => (a === "README.md" ? -1 : b === "README.md" ? 1 : a.localeCompare(b)));
}

const processor = unified().use(remarkParse).use(remarkGfm);

/** The markdown's syntax tree (mdast, with GitHub's tables and autolinks). */
export function parseMarkdown(text) {
  return processor.parse(text);
}

const MARKER = /^<!-- file: (\S+) -->$/;
/** The labels under which a block holds TypeScript or JavaScript, in any case. */
export const CODE_LANGUAGES = new Set([
  "ts",
  "tsx",
  "typescript",
  "mts",
  "cts",
  "js",
  "jsx",
  "javascript",
  "mjs",
  "cjs",
]);
/** The labels a compiled block takes: its source file's language. */
export const COMPILED_LANGUAGES = new Set(["ts", "tsx"]);

/**
 * The code blocks of a markdown text, wherever they sit (lists, blockquotes): `start`/`end` are
 * the 0-based line indexes of the opening and closing fences, `prefix` what precedes the fence on
 * its line (indentation, `> `), `fenced` false for an indented block, `lang` as written (null when
 * unlabelled), and `source` the file a `<!-- file: … -->` marker just before it names (or null).
 */
export function codeBlocks(text, tree = parseMarkdown(text)) {
  const lines = text.split("\n");
  const blocks = [];
  visit(tree, "code", (node, index, parent) => {
    const start = node.position.start.line - 1;
    const line = lines[start];
    const prefix = line.slice(0, node.position.start.column - 1);
    const fenced = /^(`{3,}|~{3,})/.test(line.slice(prefix.length));
    const before = index > 0 ? parent.children[index - 1] : null;
    const marker = before?.type === "html" ? MARKER.exec(before.value.trim()) : null;
    blocks.push({
      start,
      end: node.position.end.line - 1,
      prefix,
      fenced,
      lang: node.lang ?? null,
      body: node.value,
      source: marker ? marker[1] : null,
    });
  });
  return blocks;
}

/** The text with each compiled block that names a source replaced by `contentOf(source)`. */
export function withSources(text, contentOf) {
  const lines = text.split("\n");
  // From the last block up, so earlier line indexes stay valid.
  for (const block of codeBlocks(text).reverse()) {
    if (!block.source || !block.fenced || !COMPILED_LANGUAGES.has(block.lang)) continue;
    const content = contentOf(block.source);
    if (content === null) continue;
    // Continuation lines carry the fence's prefix: a blockquote's `>`, a list item's indentation.
    const continuation = block.prefix.replace(/[^>\s]/g, " ");
    const indented = content
      .replace(/\n$/, "")
      .split("\n")
      .map((line) => (line ? continuation + line : continuation.trimEnd()));
    lines.splice(block.start + 1, block.end - block.start - 1, ...indented);
  }
  return lines.join("\n");
}

export function read(root, file) {
  return readFileSync(path.join(root, file), "utf8");
}
