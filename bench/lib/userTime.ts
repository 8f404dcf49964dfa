import { PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { convexToJson, jsonToConvex, type Value } from "convex/values";
import { interposeSyscalls } from "./syscalls.js";

/**
 * The user-code time of queries and mutations run in convex-test, as Convex counts it against
 * its 1 s limit: JavaScript time, database operations excluded. The boundary is the one Convex
 * has: every `ctx.db`, scheduler and nested-call operation leaves the isolate through a syscall
 * (`globalThis.Convex`), so the time spent inside a syscall is the backend's (here convex-test's
 * in-memory tables, whose index look-ups sort the whole table, and the rules layer's checks) and
 * is left out; the rest of the handler's time is user code: the package's, the host's hooks',
 * convex/server's own `ctx.db` layer, and the garbage collector's pauses that fell in it.
 */
export type FunctionTime = {
  /** `mutation clerk:deliveries:apply`, as the module wrappers name it. */
  name: string;
  /** User-code time, ms: handler time outside syscalls (nested hooks' included), plus `codecMs`. */
  userMs: number;
  /** Of `userMs`: the nested functions' own user-code time (the host's hooks). */
  nestedMs: number;
  /** Of `userMs`: garbage-collection pauses (the mock's garbage is collected in them too). */
  gcMs: number;
  /** Of `userMs`: decoding the arguments and encoding the results, as the isolate does, timed apart. */
  codecMs: number;
  /** The handler's wall time, ms, the mock included. */
  wallMs: number;
  /** Process CPU time over wall time during the function: below 1 when other processes had the cores. */
  cpuShare: number;
  /** Functions this one ran inside its transaction (hooks, through `ctx.runMutation`). */
  nestedCalls: number;
};

/** What the clock gives time to; `nestedCall` is a syscall that runs another function. */
type Entry = { mode: "user" | "mock" | "nested"; nestedCall?: true };
type Frame = {
  name: string;
  start: number;
  cpuStart: NodeJS.CpuUsage;
  mockMs: number;
  nestedCalls: number;
  /** Wall-clock spans of user code, [start, end, start, end, …], nested functions' marked apart. */
  spans: number[];
  nestedSpans: number[];
  /** Arguments and results of this frame and its nested ones, encoded and decoded after it ends. */
  values: { args: unknown; result: unknown }[];
};
type Finished = { frame: Frame; wallMs: number; cpuMs: number };

let finished: Finished[] | null = null;
let frame: Frame | null = null;
const stack: Entry[] = [];
let last = 0;

/** Time every query and mutation that starts until `fn` settles. Recordings do not nest. */
export async function recordUserTime(fn: () => Promise<void>): Promise<FunctionTime[]> {
  if (finished) throw new Error("recordUserTime() calls cannot overlap");
  const done: Finished[] = [];
  const pauses: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => void pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  finished = done;
  try {
    await fn();
  } finally {
    finished = null;
    // GC entries are delivered on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 10));
    pauses.push(...observer.takeRecords());
    observer.disconnect();
  }
  if (frame) throw new Error(`userTime: ${frame.name} had not finished when the recording ended`);
  return done.map((entry) => summarize(entry, pauses));
}

/** Give the time since the last switch to what ran then. */
function tick() {
  const now = performance.now();
  const mode = stack.at(-1)?.mode;
  if (frame && mode === "mock") frame.mockMs += now - last;
  else if (frame && mode) addSpan(mode === "nested" ? frame.nestedSpans : frame.spans, last, now);
  last = now;
}

function addSpan(spans: number[], start: number, end: number) {
  if (spans.at(-1) === start) spans[spans.length - 1] = end;
  else spans.push(start, end);
}

function push(entry: Entry) {
  tick();
  stack.push(entry);
}

function pop(entry: Entry) {
  tick();
  if (stack.at(-1) !== entry)
    throw new Error("userTime: calls overlapped inside one transaction; cannot attribute time");
  stack.pop();
}

/**
 * Run a registered function's handler under the clock (modules.ts wraps every handler with
 * this). A query or mutation with no frame open starts one; one started by a nested-call
 * syscall (a hook) is user code of the frame that called it.
 */
export function timeHandler(kind: string, name: string, args: unknown, run: () => unknown): unknown {
  if (!finished || (kind !== "query" && kind !== "mutation")) return run();
  if (frame && stack.at(-1)?.nestedCall !== true) {
    throw new Error(`userTime: ${name} started while ${frame.name} was running, outside a nested call`);
  }
  const top = frame === null;
  if (top) {
    last = performance.now();
    frame = {
      name: `${kind} ${name}`,
      start: last,
      cpuStart: process.cpuUsage(),
      mockMs: 0,
      nestedCalls: 0,
      spans: [],
      nestedSpans: [],
      values: [],
    };
  } else frame!.nestedCalls += 1;
  const current = frame!;
  const entry: Entry = { mode: top ? "user" : "nested" };
  push(entry);
  const done = (result: unknown) => {
    pop(entry);
    current.values.push({ args, result });
    if (top) end(current);
    return result;
  };
  const fail = (error: unknown) => {
    if (top) {
      frame = null;
      stack.length = 0;
    } else pop(entry);
    throw error;
  };
  try {
    return Promise.resolve(run()).then(done, fail);
  } catch (error) {
    return fail(error);
  }
}

function end(done: Frame) {
  frame = null;
  const wallMs = performance.now() - done.start;
  const cpu = process.cpuUsage(done.cpuStart);
  finished?.push({ frame: done, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 });
}

function summarize({ frame: done, wallMs, cpuMs }: Finished, pauses: PerformanceEntry[]): FunctionTime {
  const codecMs = done.values.reduce((sum, { args, result }) => sum + codecTime(args, result), 0);
  const ownMs = spanTotal(done.spans);
  const nestedMs = spanTotal(done.nestedSpans);
  const gcMs = gcWithin(done.spans, pauses) + gcWithin(done.nestedSpans, pauses);
  return {
    name: done.name,
    userMs: ownMs + nestedMs + codecMs,
    nestedMs,
    gcMs,
    codecMs,
    wallMs,
    cpuShare: Math.min(1, cpuMs / wallMs),
    nestedCalls: done.nestedCalls,
  };
}

function spanTotal(spans: number[]): number {
  let total = 0;
  for (let i = 0; i < spans.length; i += 2) total += spans[i + 1] - spans[i];
  return total;
}

/** How much of the garbage collector's pauses fell inside these spans. */
function gcWithin(spans: number[], pauses: PerformanceEntry[]): number {
  let total = 0;
  for (const pause of pauses) {
    const [from, to] = [pause.startTime, pause.startTime + pause.duration];
    for (let i = 0; i < spans.length; i += 2) {
      total += Math.max(0, Math.min(to, spans[i + 1]) - Math.max(from, spans[i]));
    }
  }
  return total;
}

/** What the isolate spends decoding `args` from JSON and encoding `result` to JSON. */
function codecTime(args: unknown, result: unknown): number {
  let ms = 0;
  if (args !== undefined) {
    const json = JSON.stringify(convexToJson(args as Value));
    const start = performance.now();
    jsonToConvex(JSON.parse(json));
    ms += performance.now() - start;
  }
  if (result !== undefined) {
    const start = performance.now();
    JSON.stringify(convexToJson(result as Value));
    ms += performance.now() - start;
  }
  return ms;
}

/**
 * Put the clock between the Convex runtime and convex-test, above the rules layer (its checks
 * then count as the backend's). convex-test answers every database syscall before returning
 * its promise, so the call itself is the backend's time; a nested call (`1.0/runUdf`) is the
 * backend's until it settles, except for the nested handler, which reopens user time.
 */
export function installUserClock() {
  interposeSyscalls("userTime", () => frame !== null, {
    syscall: (below, op, args) => inMock(() => below.syscall(op, args)),
    asyncSyscall: (below, op, args) => {
      if (op !== "1.0/runUdf") return inMock(() => below.asyncSyscall(op, args));
      const entry: Entry = { mode: "mock", nestedCall: true };
      push(entry);
      return below.asyncSyscall(op, args).finally(() => pop(entry));
    },
  });
}

function inMock<T>(fn: () => T): T {
  const entry: Entry = { mode: "mock" };
  push(entry);
  try {
    return fn();
  } finally {
    pop(entry);
  }
}
