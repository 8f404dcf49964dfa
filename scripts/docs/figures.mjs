// Figures in the docs come from bench/results.json, written by `npm run bench`. Each sits
// between markers, which the docs check fills and compares:
//
//   inline:  <!-- figure: size.usersStaticAdded.minified | kb -->14.5 KB<!-- /figure -->
//   a table: <!-- figure: deliveryCostTable -->  …  <!-- /figure -->   (on lines of their own)
//
// A path reads bench/results.json (segments between dots, as the keys are spelled); `derived.*`
// reads the values computed below from it. Formats and tables are defined here, nowhere else.
//
// A figure written without markers fails (unmarkedFigures): a number in prose or a table with a
// unit only the bench measures (ms, KB, ×, index ranges, docs read or written, function calls),
// or a decimal number of seconds, minutes or MiB. Limits and schedules are whole numbers of
// seconds, minutes or MiB (Convex's 1 s and 16 MiB, Svix's 5 min); the few stated figures that
// are other parties' limits or the bench's inputs are in STATED, with why.
import { visit } from "unist-util-visit";

const FORMATS = {
  /** 1,234 */
  int: (n) => Math.round(n).toLocaleString("en-US"),
  /** 14.5 KB (1 KB = 1,000 bytes, as the bench reports sizes) */
  kb: (n) => `${(n / 1000).toFixed(1)} KB`,
  /** 1.51× */
  ratio: (n) => `${n.toFixed(2)}×`,
  /** 2.0 s */
  seconds: (n) => `${n.toFixed(1)} s`,
  /** 3.2 ms */
  ms: (n) => `${n.toFixed(1)} ms`,
  /** 3.3 min */
  minutes: (n) => `${(n / 60).toFixed(1)} min`,
  /** 2.4 (a load average, a count of intervals) */
  decimal: (n) => n.toFixed(1),
  /** as written in the results */
  text: (value) => String(value),
};

/** Values the docs state that are arithmetic on the results, not results themselves. */
function derived(results) {
  const { projection } = results.backfill;
  const { production, development } = projection.rateLimitsPer10Seconds;
  const secondsAt = (requests, perTenSeconds) => (requests * 10) / perTenSeconds;
  return {
    fullPassSecondsProduction: secondsAt(projection.full.clerkRequests, production),
    fullPassSecondsDevelopment: secondsAt(projection.full.clerkRequests, development),
    incrementalSecondsProduction: secondsAt(projection.incremental.clerkRequests, production),
    incrementalSecondsDevelopment: secondsAt(projection.incremental.clerkRequests, development),
    /** The heaviest mutations whose slowest call ran over Convex's limit, or "none". */
    userTimeOverLimit:
      Object.values(results.userTime.rows)
        .filter((row) => row.userMs.max > results.userTime.limitMs)
        .map((row) => row.what)
        .join("; ") || "none",
    endToEndOursMin: Math.min(...results.endToEnd.ours.samples),
    endToEndOursMax: Math.max(...results.endToEnd.ours.samples),
    endToEndNaiveMin: Math.min(...results.endToEnd.naive.samples),
    endToEndNaiveMax: Math.max(...results.endToEnd.naive.samples),
    /** The slowest of the timed getSyncHealth calls at its bounds. */
    healthUserMsMax: Math.max(...results.health.userMs),
  };
}

const TABLES = { deliveryCostTable, userTimeTable };

/** Per delivery, ours next to the naive app; a figure that differs by size lists each size. */
function deliveryCostTable(results) {
  const { sizes } = results.deliveryCost;
  const events = [
    ["user.created", "user.created"],
    ["user.updated", "user.updated"],
    ["redelivery", "redelivery (same svix-id)"],
    ["user.deleted", "user.deleted"],
  ];
  const rows = [["event", "app", "fn calls", "index ranges", "docs read", "docs written"]];
  for (const [key, label] of events) {
    for (const app of ["ours", "naive"]) {
      const at = sizes.map((size) => results.deliveryCost[app][size].events[key]);
      const cell = (field) => {
        const values = at.map((counts) => FORMATS.int(counts[field]));
        return new Set(values).size === 1 ? values[0] : values.join(" / ");
      };
      const scans = at.every((counts) => counts.tableScans > 0) ? " (a scan)" : "";
      rows.push([
        label,
        app,
        cell("functionCalls"),
        cell("indexRanges") + scans,
        cell("docsRead"),
        cell("docsWritten"),
      ]);
    }
  }
  return markdownTable(rows);
}

/** The heaviest mutations' user-code time, and how many times the slowest call fits in the limit. */
function userTimeTable(results) {
  const { limitMs, rows } = results.userTime;
  const ms = (n) => (n < 10 ? n.toFixed(1) : FORMATS.int(n));
  const fits = (n) => `${limitMs / n < 10 ? (limitMs / n).toFixed(1) : FORMATS.int(limitMs / n)}×`;
  const lines = [["mutation", "calls", "user ms, median", "slowest", "per user or member", "slowest fits in 1 s"]];
  for (const row of Object.values(rows)) {
    const perItem = row.perItemMs === null ? "" : `${row.perItemMs.toFixed(2)} ms`;
    lines.push([
      row.what,
      FORMATS.int(row.calls),
      ms(row.userMs.median),
      ms(row.userMs.max),
      perItem,
      fits(row.userMs.max),
    ]);
  }
  return markdownTable(lines);
}

function markdownTable(rows) {
  return rows.map((row, i) => `| ${row.join(" | ")} |${i === 0 ? `\n|${" --- |".repeat(row.length)}` : ""}`).join("\n");
}

/** The value at a dotted path of the results (or of `derived`). */
function lookup(results, path) {
  const source = path.startsWith("derived.") ? derived(results) : results;
  const segments = path.startsWith("derived.") ? path.split(".").slice(1) : path.split(".");
  let value = source;
  for (const segment of segments) {
    if (value === null || typeof value !== "object" || !(segment in value)) {
      throw new Error(`bench/results.json has no ${path}`);
    }
    value = value[segment];
  }
  return value;
}

// A marker inside a code span (after a backtick) is an example, not a figure.
const INLINE = /(?<!`)<!-- figure: ([^|>]+?) \| (\w+) -->([\s\S]*?)<!-- \/figure -->/g;
const BLOCK = /<!-- figure: (\w+) -->\n[\s\S]*?\n?<!-- \/figure -->/g;

/** The text with every figure filled from `results`; throws on an unknown path, format or table. */
export function fillFigures(text, results) {
  return text
    .replace(INLINE, (_, path, format, _old) => {
      const formatter = FORMATS[format];
      if (!formatter) throw new Error(`unknown figure format "${format}" (known: ${Object.keys(FORMATS).join(", ")})`);
      return `<!-- figure: ${path} | ${format} -->${formatter(lookup(results, path))}<!-- /figure -->`;
    })
    .replace(BLOCK, (_, name) => {
      const table = TABLES[name];
      if (!table) throw new Error(`unknown figure table "${name}" (known: ${Object.keys(TABLES).join(", ")})`);
      return `<!-- figure: ${name} -->\n\n${table(results)}\n\n<!-- /figure -->`;
    });
}

/** Figures written in the docs without markers because they are not results: each says why. */
export const STATED = {
  "8 KB": "Clerk's cap on each metadata object",
  "3 KB": "the size of the bench's typical user, an input of the bench",
  "300 ms": "how long the bench times each bundle, an input of the bench",
  "2 index ranges": "the budget of a heartbeat delivery, which the bench checks (bench/sections/heartbeat.ts)",
};

const BENCH_UNIT = String.raw`ms|KB|kB|KiB|MB|×|index ranges?|docs? read|docs? written|fn calls|function calls`;
const UNMARKED = new RegExp(
  String.raw`(?<![\w.,])(?:\d[\d,]*(?:\.\d+)?\s?(?:${BENCH_UNIT})|\d[\d,]*\.\d+\s?(?:s|min|seconds|minutes|MiB))(?![\w])`,
  "g",
);

/**
 * One message per figure of a markdown text written without markers: in prose and tables, not
 * in code (inline or blocks), not between `<!-- figure -->` markers.
 */
export function unmarkedFigures(file, text, tree) {
  const marked = [...text.matchAll(INLINE), ...text.matchAll(BLOCK)].map((m) => [m.index, m.index + m[0].length]);
  const inMarker = (offset) => marked.some(([from, to]) => offset >= from && offset < to);
  const problems = [];
  visit(tree, "text", (node) => {
    if (inMarker(node.position.start.offset)) return;
    for (const match of node.value.matchAll(UNMARKED)) {
      const figure = match[0].replace(/\s/, " ");
      if (figure in STATED) continue;
      problems.push(
        `${file}:${node.position.start.line}: "${figure}" is a figure without a <!-- figure: … --> marker ` +
          "(figures come from bench/results.json; see scripts/docs/figures.mjs)",
      );
    }
  });
  return problems;
}
