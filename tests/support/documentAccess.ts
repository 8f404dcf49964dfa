// The documents each registered function reads and writes, as the rules layer sees its
// syscalls: for the optimistic-concurrency checks (a document one function reads that another,
// running at the same time on a deployment, writes makes the reader retry). Off until a test
// records; ids only, at document level (a read index range is wider: an insert into it conflicts too).
import type { FunctionPlace } from "./convexValueRules";

/** One document a function touched: `componentPath` "" is the app. */
export type DocumentAccess = { componentPath: string; udfPath: string; access: "read" | "write"; id: string };

let recording: DocumentAccess[] | null = null;

/** Record every access from now until `stop()`. */
export function recordDocumentAccess() {
  const accesses: DocumentAccess[] = [];
  recording = accesses;
  return {
    accesses,
    stop: () => void (recording = null),
  };
}

const READ_OPS = new Set(["1.0/get", "1.0/queryStreamNext"]);
const WRITE_OPS = new Set(["1.0/insert", "1.0/replace", "1.0/shallowMerge", "1.0/remove"]);

/** Called by the rules layer after each syscall of a registered function. */
export function reportAccess(fn: FunctionPlace, op: string, jsonArgs: string, jsonResult: string) {
  if (recording === null || !(READ_OPS.has(op) || WRITE_OPS.has(op))) return;
  const { componentPath, udfPath } = fn;
  const push = (access: DocumentAccess["access"], id: unknown) => {
    if (typeof id === "string") recording?.push({ componentPath, udfPath, access, id });
  };
  const result = JSON.parse(jsonResult) as { _id?: unknown; value?: { _id?: unknown } | null } | null;
  if (op === "1.0/get") push("read", result?._id);
  else if (op === "1.0/queryStreamNext") push("read", result?.value?._id);
  else if (op === "1.0/insert") push("write", result?._id);
  else push("write", (JSON.parse(jsonArgs) as { id?: unknown }).id);
}
