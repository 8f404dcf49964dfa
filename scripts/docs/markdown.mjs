// The markdown the docs checks read: README.md and every docs/**/*.md, with their fenced
// blocks and the `<!-- file: … -->` marker that names each TypeScript block's source.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** README.md and docs/**\/*.md, relative to the repository root, sorted. */
export function markdownFiles(root) {
  const docs = readdirSync(path.join(root, "docs"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".md"))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
  return ["README.md", ...docs.sort()];
}

const MARKER = /^(\s*)<!-- file: (\S+) -->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
/** Languages whose blocks must be complete files, compiled against the package. */
export const CHECKED_LANGUAGES = new Set(["ts", "tsx", "typescript"]);

/**
 * The fenced blocks of a markdown text: `start`/`end` are the line indexes of the opening
 * and closing fences, `source` the file named by a marker on the line before (or null).
 */
export function fencedBlocks(text) {
  const lines = text.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !lines[end].trimStart().startsWith(fence)) end++;
    const marker = markerBefore(lines, i);
    const body = lines.slice(i + 1, end).map((line) => line.slice(Math.min(indent.length, leading(line))));
    blocks.push({ start: i, end, indent, lang, source: marker ? marker[2] : null, body: body.join("\n") });
    i = end;
  }
  return blocks;
}

/** The text with each block that names a source replaced by `contentOf(source)`. */
export function withSources(text, contentOf) {
  const lines = text.split("\n");
  // From the last block up, so earlier line indexes stay valid.
  for (const block of fencedBlocks(text).reverse()) {
    if (!block.source || !CHECKED_LANGUAGES.has(block.lang)) continue;
    const content = contentOf(block.source);
    if (content === null) continue;
    const indented = content
      .replace(/\n$/, "")
      .split("\n")
      .map((line) => (line ? block.indent + line : line));
    lines.splice(block.start + 1, block.end - block.start - 1, ...indented);
  }
  return lines.join("\n");
}

/** The marker on the nearest non-blank line above a fence (Prettier puts a blank line between). */
function markerBefore(lines, fence) {
  let i = fence - 1;
  while (i >= 0 && lines[i].trim() === "") i--;
  return i >= 0 ? MARKER.exec(lines[i]) : null;
}

function leading(line) {
  return line.length - line.trimStart().length;
}

export function read(root, file) {
  return readFileSync(path.join(root, file), "utf8");
}
