import { getDocumentSize, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { interposeSyscalls, type Syscalls } from "./syscalls.js";

/** What one measured delivery cost, counted as the real backend would read and write. */
export type Cost = {
  /** Queries and mutations run (component or app), besides the HTTP action. */
  functionCalls: number;
  /** HTTP actions run: one per delivery, observed rather than assumed. */
  httpActions: number;
  /** Index ranges read: each query (an index range or a table scan) and each `db.get`. */
  indexRanges: number;
  /** Of those, queries without `withIndex`: they read the table in creation order. */
  tableScans: number;
  /** Documents the ranges touched, whether or not a `.filter` kept them. */
  docsRead: number;
  bytesRead: number;
  /** Inserts, patches, replaces and deletes. */
  docsWritten: number;
  /** Size of each written document as stored (0 for a delete). */
  bytesWritten: number;
  /** Functions scheduled (the retention sweep, at most once an hour). */
  scheduled: number;
  /** What ran and what was read, for the JSON report. */
  trace: string[];
};

export const METHOD = [
  "Counted below convex-test, at the syscalls every ctx.db call turns into. A query without",
  "`.filter` reads each document it returns; a query with `.filter` is replayed without its",
  "filters and limit, and every document before the last one it returned (all of them, when it",
  "ran to the end, as `.unique()` does) counts as read, because that is what the backend scans.",
  "`db.get` is one look-up. Function calls are counted by wrapping every registered function",
  "of both apps, so the HTTP action, the mutation it runs and anything scheduled are observed.",
  "convex-test's own counters see only documents that pass a filter, so they are not used.",
  "Before measuring, the meter is checked on a 10-row table (filter+first, filter+unique, take).",
];

type Query = {
  source: { type: string; tableName?: string; indexName?: string };
  operators: Array<{ filter?: unknown; limit?: number }>;
};

/** An open query stream, and what is needed to count what it touched. */
type Stream = {
  label: string;
  filtered: boolean;
  limit: number;
  returned: { id: string; size: number }[];
  /** For a filtered query: its id replayed without operators, then the documents read. */
  replayId: number | null;
  scanned: { id: string; size: number }[] | null;
};

let current: Cost | null = null;
const streams = new Map<number, Stream>();

/** Count everything the functions do until `fn` settles. Measurements do not nest. */
export async function measure(fn: () => Promise<void>): Promise<Cost> {
  if (current) throw new Error("measure() calls cannot overlap");
  const cost: Cost = {
    functionCalls: 0,
    httpActions: 0,
    indexRanges: 0,
    tableScans: 0,
    docsRead: 0,
    bytesRead: 0,
    docsWritten: 0,
    bytesWritten: 0,
    scheduled: 0,
    trace: [],
  };
  current = cost;
  try {
    await fn();
  } finally {
    current = null;
    streams.clear();
  }
  return cost;
}

/** Run `fn` without counting it: the bench's own look-ups inside a measurement. */
export async function unmetered<T>(fn: () => Promise<T>): Promise<T> {
  const paused = current;
  current = null;
  try {
    return await fn();
  } finally {
    current = paused;
  }
}

/** Called by the wrappers of modules.ts each time a Convex function starts. */
export function recordCall(kind: "http" | "query" | "mutation" | "action", name: string) {
  if (!current) return;
  if (kind === "http") current.httpActions += 1;
  else current.functionCalls += 1;
  current.trace.push(`${kind} ${name}`);
}

/**
 * Put the counting layer between the Convex runtime and convex-test (after the first
 * `convexTest()`). Outside `measure()` the original syscalls are handed out untouched.
 */
export function installMeter() {
  interposeSyscalls("meter", () => current !== null, {
    syscall: (below, op, args) => onSyscall(below, op, args),
    asyncSyscall: (below, op, args) => onAsyncSyscall(below, op, args),
  });
}

function onSyscall(inner: Syscalls, op: string, args: string): string {
  const cost = current!;
  const result = inner.syscall(op, args);
  if (op === "1.0/queryStream") {
    const { query, version } = JSON.parse(args) as { query: Query; version: unknown };
    const { queryId } = JSON.parse(result) as { queryId: number };
    if (streams.has(queryId)) throw new Error(`meter: query id ${queryId} is already open`);
    const filtered = query.operators.some((operator) => "filter" in operator);
    const limit = query.operators.find((operator) => "limit" in operator)?.limit ?? Infinity;
    const scan = query.source.type === "FullTableScan";
    const label = scan
      ? `${query.source.tableName} (table scan${filtered ? " + filter" : ""})`
      : `${query.source.indexName}`;
    cost.indexRanges += 1;
    if (scan) cost.tableScans += 1;
    // Started now, in the same transaction and snapshot, and drained on first use.
    const replayId = filtered
      ? (
          JSON.parse(inner.syscall(op, JSON.stringify({ query: { ...query, operators: [] }, version }))) as {
            queryId: number;
          }
        ).queryId
      : null;
    streams.set(queryId, { label, filtered, limit, returned: [], replayId, scanned: null });
  } else if (op === "1.0/queryCleanup") {
    const { queryId } = JSON.parse(args) as { queryId: number };
    closeStream(queryId, false);
  }
  return result;
}

async function onAsyncSyscall(inner: Syscalls, op: string, args: string) {
  const async = (op: string, args: string) => inner.asyncSyscall(op, args);
  const cost = current!;
  const parsed = JSON.parse(args) as Record<string, any>;
  switch (op) {
    case "1.0/queryStreamNext": {
      const stream = streams.get(parsed.queryId);
      if (stream?.replayId != null && stream.scanned === null) {
        stream.scanned = await drain(inner, stream.replayId);
      }
      const result = await async(op, args);
      const { value, done } = JSON.parse(result) as { value: JSONValue; done: boolean };
      if (stream && !done) stream.returned.push(sized(value));
      if (done) closeStream(parsed.queryId, true);
      return result;
    }
    case "1.0/get": {
      const result = await async(op, args);
      cost.indexRanges += 1;
      const doc = JSON.parse(result) as JSONValue;
      if (doc !== null) read(cost, [sized(doc)]);
      cost.trace.push(`get ${parsed.table ?? "by id"}`);
      return result;
    }
    case "1.0/insert":
    case "1.0/shallowMerge":
    case "1.0/replace":
    case "1.0/remove": {
      const result = await async(op, args);
      const id = op === "1.0/insert" ? (JSON.parse(result) as { _id: string })._id : (parsed.id as string);
      const stored = op === "1.0/remove" ? null : await inner.asyncSyscall("1.0/get", JSON.stringify({ id }));
      cost.docsWritten += 1;
      cost.bytesWritten += stored === null ? 0 : sized(JSON.parse(stored)).size;
      cost.trace.push(`${op.slice(4)} ${parsed.table ?? "by id"}`);
      return result;
    }
    case "1.0/schedule":
      cost.scheduled += 1;
      cost.trace.push(`schedule ${parsed.name ?? parsed.reference ?? "function"}`);
      return async(op, args);
    case "1.0/queryPage":
      return readPage(cost, (parsed as { query: Query }).query, () => async(op, args));
    case "1.0/count":
    case "1.0/actions/vectorSearch":
      // Not on the delivery path today; fail loudly rather than undercount.
      throw new Error(`meter: ${op} is not counted yet; teach bench/lib/meter.ts how it reads`);
    default:
      return async(op, args);
  }
}

/** `.paginate()`: one range, reading the documents of the page it returns. */
async function readPage(cost: Cost, query: Query, run: () => Promise<string>): Promise<string> {
  if (query.operators.some((operator) => "filter" in operator)) {
    throw new Error("meter: a filtered .paginate() is not counted yet; teach bench/lib/meter.ts how it reads");
  }
  const result = await run();
  const { page } = JSON.parse(result) as { page: JSONValue[] };
  const scan = query.source.type === "FullTableScan";
  cost.indexRanges += 1;
  if (scan) cost.tableScans += 1;
  read(cost, page.map(sized));
  cost.trace.push(
    `page ${scan ? `${query.source.tableName} (table scan)` : query.source.indexName}: ${page.length} docs`,
  );
  return result;
}

/** Settle what a stream read: what it returned, or what its unfiltered replay scanned. */
function closeStream(queryId: number, ranToEnd: boolean) {
  const stream = streams.get(queryId);
  if (!stream || !current) return;
  streams.delete(queryId);
  let touched = stream.returned;
  if (stream.filtered) {
    const scanned = stream.scanned ?? [];
    const last = stream.returned.at(-1);
    // Short of its limit, the backend read the whole range looking for more;
    // otherwise it stopped at the last document it returned.
    const exhausted = ranToEnd && stream.returned.length < stream.limit;
    const end = exhausted ? scanned.length : last ? scanned.findIndex((doc) => doc.id === last.id) + 1 : 0;
    touched = scanned.slice(0, end);
  }
  read(current, touched);
  current.trace.push(`read ${stream.label}: ${touched.length} docs`);
}

async function drain(inner: Syscalls, queryId: number) {
  const docs: { id: string; size: number }[] = [];
  for (;;) {
    const { value, done } = JSON.parse(
      await inner.asyncSyscall("1.0/queryStreamNext", JSON.stringify({ queryId })),
    ) as { value: JSONValue; done: boolean };
    if (done) return docs;
    docs.push(sized(value));
  }
}

function read(cost: Cost, docs: { size: number }[]) {
  cost.docsRead += docs.length;
  for (const doc of docs) cost.bytesRead += doc.size;
}

function sized(json: JSONValue) {
  const doc = jsonToConvex(json) as Record<string, Value>;
  return { id: doc._id as string, size: getDocumentSize(doc) };
}
