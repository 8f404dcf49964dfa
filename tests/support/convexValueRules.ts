// convex-rules, rule 4 (see convexRules.ts): the backend's limits on values, and the checks of
// function arguments, return values and written documents against them, with Convex's messages.
import { convexToJson, getConvexSize, jsonToConvex, type JSONValue, type Value } from "convex/values";

/** Limits of the Convex backend (crates/value, crates/common/src/document.rs, knobs.rs). */
export const LIMITS = {
  documentSize: 1 << 20,
  documentNesting: 16,
  valueNesting: 64,
  functionValueSize: 1 << 24,
  arrayLength: 8192,
  objectFields: 1024,
  httpBody: 20 << 20,
} as const;

export type Kind = "query" | "mutation" | "action" | "httpAction";

/** Where a value is checked: the registered function, by component path, kind and path. */
export interface FunctionPlace {
  componentPath: string;
  kind: Kind;
  udfPath: string;
}

export const where = (fn: FunctionPlace | undefined) =>
  fn === undefined
    ? "test code"
    : `${fn.componentPath === "" ? "app" : `component "${fn.componentPath}"`} ${fn.kind} ${fn.udfPath}`;

export function refuse(message: string, hint: string): Error {
  return new Error(`${message} (convex-rules: ${hint})`);
}

export function formatSize(bytes: number): string {
  const mib = bytes / (1 << 20);
  if (mib >= 1) return `${Number(mib.toFixed(2))} MiB`;
  const kib = bytes / 1024;
  return kib >= 1 ? `${Number(kib.toFixed(2))} KiB` : `${bytes} B`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof ArrayBuffer) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype || prototype?.constructor?.name === "Object";
}

/**
 * The value's nesting as the backend counts it (a scalar 0, an array or object one more than its
 * deepest element); throws the backend's message for an over-long array or an over-wide object.
 */
function nestingOf(value: unknown): number {
  let children: unknown[];
  if (Array.isArray(value)) {
    if (value.length > LIMITS.arrayLength) {
      throw new Error(`Array length is too long (${value.length} > maximum length ${LIMITS.arrayLength})`);
    }
    children = value;
  } else if (isPlainObject(value)) {
    children = Object.values(value).filter((v) => v !== undefined);
    if (children.length > LIMITS.objectFields) {
      throw new Error(`Object has too many fields (${children.length} > maximum number ${LIMITS.objectFields})`);
    }
  } else return 0;
  let deepest = 0;
  for (const child of children) deepest = Math.max(deepest, nestingOf(child));
  return 1 + deepest;
}

export function checkFunctionValue(value: unknown, what: "arguments" | "return value", fn: FunctionPlace) {
  if (value === undefined) return;
  const label = what === "arguments" ? `Arguments for ${fn.udfPath}` : `Function ${fn.udfPath} return value`;
  try {
    // Field names ($-prefixed, non-ASCII, over 1024 characters) and value types, as Convex checks them.
    convexToJson(value as Value);
    const nesting = nestingOf(value);
    if (nesting > LIMITS.valueNesting) {
      throw new Error(`Value is too nested (nested ${nesting} levels deep > maximum nesting ${LIMITS.valueNesting})`);
    }
  } catch (error) {
    throw refuse(`${label} invalid: ${(error as Error).message}`, where(fn));
  }
  const size = getConvexSize(value as Value);
  if (size > LIMITS.functionValueSize) {
    const limits = `(actual: ${formatSize(size)}, limit: ${formatSize(LIMITS.functionValueSize)})`;
    throw refuse(`${label} ${what === "arguments" ? "are" : "is"} too large ${limits}`, where(fn));
  }
}

/** The fields a write stores: all of them for insert and replace, the changed ones for a patch. */
export function writtenFields(op: string, value: Record<string, JSONValue>): Record<string, Value> {
  if (op !== "1.0/shallowMerge") return jsonToConvex(value) as Record<string, Value>;
  const fields: Record<string, Value> = {};
  for (const [key, field] of Object.entries(value)) {
    // A patch removes a field with `{ $undefined: null }`.
    if (!(isPlainObject(field) && "$undefined" in field)) fields[key] = jsonToConvex(field);
  }
  return fields;
}

export function checkDocumentFields(fields: Record<string, Value>, hint: string) {
  for (const key of Object.keys(fields)) {
    if (key.startsWith("_") && key !== "_id" && key !== "_creationTime") {
      throw refuse(
        `Field '${key}' starts with an underscore, which is only allowed for system fields like '_id'`,
        hint,
      );
    }
  }
  let nesting: number;
  try {
    nesting = nestingOf(fields);
  } catch (error) {
    throw refuse((error as Error).message, hint);
  }
  if (nesting > LIMITS.documentNesting) {
    throw refuse(
      `Document is too nested (nested ${nesting} levels deep > maximum nesting ${LIMITS.documentNesting})`,
      hint,
    );
  }
}
