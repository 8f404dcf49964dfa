import type { Value } from "convex/values";

/** Convex's limit on a field name's length. */
const MAX_FIELD_NAME_LENGTH = 1024;
/**
 * How deep metadata may nest below `publicMetadata`. Convex values nest at most 16 levels;
 * this leaves room for the levels above (a hook event, a user, a host's own wrapper).
 */
export const MAX_METADATA_DEPTH = 8;
/** Convex's limit on an array's length. */
const MAX_ARRAY_LENGTH = 8192;
/** Convex's limit on an object's fields. */
const MAX_OBJECT_FIELDS = 1024;
/** `__proto__`, percent-encoded: `decodeURIComponent` gives it back. */
const PROTO_FIELD_NAME = "%5F%5Fproto%5F%5F";

/**
 * Clerk metadata (user-defined JSON) as a value Convex can hold, returned from a query
 * and passed as an argument as is. Keys Convex accepts stay as they are. A key Convex
 * rejects is percent-encoded (UTF-8): a leading `$`, `%`, and every character outside
 * printable ASCII (`$ref` → `%24ref`, `café` → `caf%C3%A9`, `50%` → `50%25`), so no two
 * keys collide and `decodeURIComponent` gives the original back. So is `__proto__`
 * (`%5F%5Fproto%5F%5F`), which Convex accepts but cannot carry across a function call: on
 * the other side its conversion from JSON would take it for the object's prototype. A key over 1,024 characters
 * once encoded is left out; a value nested deeper than 8 levels, an array over 8,192
 * items, or an object over 1,024 keys is kept as its JSON text (at the top level, which must
 * stay an object, the first 1,024 keys are kept). The exact original is the JSON text beside
 * it (`publicMetadataJson`).
 */
export function metadataFromJson(json: string): Record<string, Value> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return {};
  }
  if (!isPlainObject(parsed)) return {};
  // V8's JSON.stringify slows down with the square of the nesting depth (4,000 levels take
  // milliseconds): values kept as text out of deeply nested JSON are written in linear time.
  const asText = nestingDepth(json) > DEEP_NESTING ? jsonTextWithoutRecursion : jsonText;
  return toConvexObject(parsed, 1, asText);
}

/** Past this depth, `JSON.stringify` is slower than writing the text from an explicit stack. */
const DEEP_NESTING = 256;

type TextWriter = (value: unknown) => string;

function toConvexValue(value: unknown, depth: number, asText: TextWriter): Value {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return value;
  if (Array.isArray(value)) {
    if (depth > MAX_METADATA_DEPTH || value.length > MAX_ARRAY_LENGTH) return asText(value);
    return value.map((item) => toConvexValue(item, depth + 1, asText));
  }
  if (isPlainObject(value)) {
    if (depth > MAX_METADATA_DEPTH || Object.keys(value).length > MAX_OBJECT_FIELDS) return asText(value);
    return toConvexObject(value, depth, asText);
  }
  return null;
}

/** How deep a JSON text's arrays and objects nest, read in one pass over the text. */
export function nestingDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const char = json.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      deepest = Math.max(deepest, ++depth);
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

function toConvexObject(object: Record<string, unknown>, depth: number, asText: TextWriter): Record<string, Value> {
  const result: Record<string, Value> = {};
  let fields = 0;
  for (const [key, value] of Object.entries(object)) {
    const name = toFieldName(key);
    if (name === null || fields === MAX_OBJECT_FIELDS) continue;
    // A field, never an accessor, whatever the name.
    Object.defineProperty(result, name, {
      value: toConvexValue(value, depth + 1, asText),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    fields++;
  }
  return result;
}

/** The key as a Convex field name, or null when it cannot be one. */
export function toFieldName(key: string): string | null {
  if (key === "__proto__") return PROTO_FIELD_NAME;
  let name = "";
  for (const [index, char] of Array.from(key).entries()) {
    const code = char.codePointAt(0)!;
    const printable = code >= 0x20 && code < 0x7f;
    const encode = !printable || char === "%" || (index === 0 && char === "$");
    // A lone surrogate is not text (encodeURIComponent throws on it): it stands as U+FFFD.
    name += !encode ? char : code >= 0xd800 && code <= 0xdfff ? "%EF%BF%BD" : encodeURIComponent(char);
  }
  return name.length <= MAX_FIELD_NAME_LENGTH ? name : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `JSON.stringify` of a value parsed from JSON, at any depth: where `JSON.stringify` throws a
 * `RangeError` because the nesting outgrows the call stack (a few thousand levels, depending
 * on the runtime), the same text is written without recursion.
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch (error) {
    if (error instanceof RangeError) return jsonTextWithoutRecursion(value);
    throw error;
  }
}

/** A text, or an array or object whose text is still to be written. */
type Pending = { text: string } | { value: unknown };

/**
 * `JSON.stringify`'s text, from an explicit stack: `undefined` and functions are left out of
 * objects and written `null` in arrays, as `JSON.stringify` does (parsed JSON has neither).
 */
export function jsonTextWithoutRecursion(value: unknown): string {
  const out: string[] = [];
  const stack: Pending[] = [{ value }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if ("text" in next) {
      out.push(next.text);
      continue;
    }
    const item = next.value;
    if (typeof item !== "object" || item === null) {
      out.push(JSON.stringify(item) ?? "null");
      continue;
    }
    const parts: Pending[] = [];
    if (Array.isArray(item)) {
      item.forEach((element, index) => {
        parts.push({ text: index > 0 ? "," : "" }, isSkipped(element) ? { text: "null" } : { value: element });
      });
    } else {
      for (const [key, field] of Object.entries(item)) {
        if (!isSkipped(field))
          parts.push({ text: `${parts.length > 0 ? "," : ""}${JSON.stringify(key)}:` }, { value: field });
      }
    }
    const [open, close] = Array.isArray(item) ? ["[", "]"] : ["{", "}"];
    stack.push({ text: close });
    for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]!);
    out.push(open);
  }
  return out.join("");
}

function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}
