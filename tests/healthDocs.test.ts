// @vitest-environment node
// The guide's table of the verdict's rules (docs/health.md, "The rules") is `HEALTH_RULES`: every
// rule has its row, every row names a rule, and each row says what the rule says, word for word.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Table } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { expect, test } from "vitest";
import { HEALTH_RULES } from "../src/component/healthRules";

const GUIDE = path.resolve(import.meta.dirname, "../docs/health.md");
const COLUMNS = ["rule", "reads", "`silent` when", "`degraded` when"];
const FIELDS = ["reads", "silent", "degraded"] as const;

/** Each row of the guide's rules table, as written (markdown), keyed by its first column. */
function rulesTable(markdown: string): string[][] {
  const tree = unified().use(remarkParse).use(remarkGfm).parse(markdown);
  const cell = (node: { position?: { start: { offset?: number }; end: { offset?: number } } }) =>
    markdown.slice(node.position!.start.offset, node.position!.end.offset).replace(/^\|/, "").replace(/\|$/, "").trim();
  const tables = tree.children.filter((node): node is Table => node.type === "table");
  const rows = tables.map((table) => table.children.map((row) => row.children.map(cell)));
  const rules = rows.filter((table) => table[0]!.join("|") === COLUMNS.join("|"));
  if (rules.length !== 1) throw new Error(`docs/health.md has ${rules.length} tables headed ${COLUMNS.join(" | ")}`);
  return rules[0]!.slice(1);
}

/** Where the guide's table and `HEALTH_RULES` differ, one line each. */
function differences(markdown: string): string[] {
  const problems: string[] = [];
  const rows = new Map<string, string[]>();
  for (const row of rulesTable(markdown)) {
    const name = /^`(\w+)`$/.exec(row[0]!)?.[1] ?? row[0]!;
    if (!(name in HEALTH_RULES)) problems.push(`the table names ${name}, which is no rule`);
    rows.set(name, row);
  }
  for (const [name, rule] of Object.entries(HEALTH_RULES)) {
    const row = rows.get(name);
    if (!row) {
      problems.push(`the table has no row for ${name}`);
      continue;
    }
    FIELDS.forEach((field, i) => {
      if (row[i + 1] !== rule[field])
        problems.push(`${name}'s ${field} differs: "${row[i + 1]}" is not "${rule[field]}"`);
    });
  }
  return problems;
}

const guide = readFileSync(GUIDE, "utf8");
/** The outage rule's row of the rules table (the on-call table's rows name it with a verdict). */
const OUTAGE_ROW = /^\| `outage` +\|.*$/m;

test("the guide's rules table is HEALTH_RULES, row for row and word for word", () => {
  expect(rulesTable(guide).length).toBe(Object.keys(HEALTH_RULES).length);
  expect(differences(guide)).toEqual([]);
});

test("a rule missing from the table, a row naming no rule, and words that differ are each named", () => {
  const without = guide
    .split("\n")
    .filter((line) => !OUTAGE_ROW.test(line))
    .join("\n");
  expect(differences(without)).toEqual(["the table has no row for outage"]);
  const renamed = guide.replace(OUTAGE_ROW, (row) => row.replace("`outage` ", "`outages`"));
  expect(differences(renamed)).toEqual([
    "the table names outages, which is no rule",
    "the table has no row for outage",
  ]);
  const reworded = guide.replace(HEALTH_RULES.heartbeat.silent, "it is late");
  expect(differences(reworded)).toEqual([
    `heartbeat's silent differs: "it is late" is not "${HEALTH_RULES.heartbeat.silent}"`,
  ]);
});
