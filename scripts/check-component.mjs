// A cheap static check of the component's code (src/component/, without _generated/) for what a
// Convex deployment refuses in a component: `.paginate()` ("paginate() is only supported in the
// app") and environment variables (a component does not see the app's). Lists file:line and
// exits 1 when it finds any. A `.paginate(` in a statement that starts from convex-helpers'
// `paginator(` is allowed: that pages by index range, which components may. The test layer (tests/support/convexRules.ts) checks the same at
// run time; this catches them without running anything.
//
// Usage: node scripts/check-component.mjs [directory]   (default src/component)
import fs from "node:fs";
import path from "node:path";

const RULES = [
  { pattern: /\.paginate\s*\(/, reason: "paginate() is only supported in the app" },
  { pattern: /\bprocess\.env\b/, reason: "components cannot read the app's environment variables" },
  {
    pattern: /import\s*\{[^}]*\benv\b[^}]*\}\s*from\s*["'][./]*_generated\/server/,
    reason: "components cannot read the app's environment variables (`env` is process.env)",
  },
];

const root = process.argv[2] ?? "src/component";

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "_generated" && entry.name !== "node_modules") yield* sourceFiles(file);
    } else if (/\.[cm]?[jt]sx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) yield file;
  }
}

/** The line without its comment: `//` to the end, or a line inside a block comment. */
function code(line) {
  const trimmed = line.trim();
  if (trimmed.startsWith("*") || trimmed.startsWith("/*")) return "";
  const comment = line.search(/(^|[^:])\/\//);
  return comment === -1 ? line : line.slice(0, comment);
}

/** Whether the statement holding line `index` pages through convex-helpers' `paginator`. */
function usesPaginator(lines, index) {
  for (let i = index; i >= 0 && i > index - 10; i--) {
    const line = code(lines[i]);
    if (/\bpaginator\s*\(/.test(line)) return true;
    if (i < index && /[;{}]\s*$/.test(line)) return false;
  }
  return false;
}

const findings = [];
for (const file of sourceFiles(root)) {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  lines.forEach((line, index) => {
    for (const { pattern, reason } of RULES) {
      if (!pattern.test(code(line))) continue;
      if (reason === RULES[0].reason && usesPaginator(lines, index)) continue;
      findings.push(`${file}:${index + 1}: ${reason}\n    ${line.trim()}`);
    }
  });
}

if (findings.length > 0) {
  console.error(`check-component: ${findings.length} problem(s) in ${root}:`);
  for (const finding of findings) console.error(finding);
  process.exit(1);
}
console.log(`check-component: ${root} is clean`);
