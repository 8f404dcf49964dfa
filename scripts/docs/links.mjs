// Relative links in the docs point at files that exist and, with a `#fragment`, at a heading
// of that file (GitHub's anchors: lower case, punctuation dropped, spaces as hyphens).
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fencedBlocks, read } from "./markdown.mjs";

/** GitHub's anchor for a heading's text. */
export function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a markdown text's headings (outside code blocks), with GitHub's -1, -2 for repeats. */
export function anchors(text) {
  const inBlock = new Set();
  for (const block of fencedBlocks(text)) for (let i = block.start; i <= block.end; i++) inBlock.add(i);
  const seen = new Map();
  const result = new Set();
  text.split("\n").forEach((line, i) => {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading || inBlock.has(i)) return;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  });
  return result;
}

const LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;

/** One message per relative link of `file` whose target or heading does not exist. */
export function brokenLinks(root, file) {
  const text = read(root, file);
  const problems = [];
  const blockLines = new Set();
  for (const block of fencedBlocks(text)) for (let i = block.start; i <= block.end; i++) blockLines.add(i);
  text.split("\n").forEach((line, i) => {
    if (blockLines.has(i)) return;
    for (const [, target] of line.matchAll(LINK)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const [pathPart, fragment] = target.split("#");
      const resolved = pathPart ? path.join(path.dirname(file), pathPart) : file;
      const where = `${file}:${i + 1}`;
      if (!existsSync(path.join(root, resolved))) {
        problems.push(`${where}: ${target} links to a file that does not exist`);
      } else if (fragment && resolved.endsWith(".md") && statSync(path.join(root, resolved)).isFile()) {
        if (!anchors(read(root, resolved)).has(fragment)) {
          problems.push(`${where}: ${target} names no heading of ${resolved}`);
        }
      }
    }
  });
  return problems;
}
