import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { convexToJson } from "convex/values";
import { MAX_METADATA_DEPTH, metadataFromJson, toFieldName } from "../src/client/metadata";

describe("metadata as a Convex value", () => {
  test("keys Convex accepts stay as they are; others are percent-encoded, injectively", () => {
    expect(toFieldName("role")).toBe("role");
    expect(toFieldName("_private")).toBe("_private");
    expect(toFieldName("a$b")).toBe("a$b");
    expect(toFieldName("$ref")).toBe("%24ref");
    expect(toFieldName("50%")).toBe("50%25");
    expect(toFieldName("%24ref")).toBe("%2524ref"); // never collides with the encoded `$ref`
    expect(toFieldName("line\nbreak")).toBe("line%0Abreak");
    expect(toFieldName("café")).toBe("caf%C3%A9");
    expect(toFieldName("😀")).toBe("%F0%9F%98%80");
    expect(toFieldName("\ud800")).toBe("%EF%BF%BD");
    expect(decodeURIComponent(toFieldName("$café 50%")!)).toBe("$café 50%");
  });

  test("a key too long for Convex once encoded is left out; an empty key is a valid field name", () => {
    expect(toFieldName("")).toBe("");
    expect(toFieldName("k".repeat(1024))).toBe("k".repeat(1024));
    expect(toFieldName("k".repeat(1025))).toBeNull();
    expect(toFieldName("é".repeat(200))).toBeNull(); // 1,200 characters once encoded
    expect(metadataFromJson(JSON.stringify({ "": 1, ["k".repeat(2000)]: 2, kept: 3 }))).toEqual({ "": 1, kept: 3 });
  });

  test("values nested deeper than the limit are kept as their JSON text", () => {
    let deep: unknown = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { level: deep };
    const mapped = metadataFromJson(JSON.stringify(deep));
    let node: unknown = mapped;
    for (let depth = 1; depth < MAX_METADATA_DEPTH; depth++) node = (node as Record<string, unknown>).level;
    const text = (node as Record<string, unknown>).level;
    expect(typeof text).toBe("string");
    expect(JSON.parse(text as string)).toMatchObject({ level: { level: {} } });
  });

  test("an object over Convex's 1,024 fields is kept as its JSON text; at the top level, its first 1,024 keys", () => {
    const wide = Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [`k${i}`, i]));
    const nested = metadataFromJson(JSON.stringify({ wide }));
    expect(JSON.parse(nested.wide as string)).toEqual(wide);
    const top = metadataFromJson(JSON.stringify(wide));
    expect(Object.keys(top)).toHaveLength(1024);
    expect(top.k1023).toBe(1023);
    expect(() => convexToJson(top)).not.toThrow();
  });

  test("`__proto__` is kept as a field, not taken as the object's prototype", () => {
    const mapped = metadataFromJson('{"__proto__": {"role": "admin"}, "plan": "free"}');
    expect(Object.getPrototypeOf(mapped)).toBe(Object.prototype);
    expect((mapped as Record<string, unknown>).role).toBeUndefined();
    expect(Object.keys(mapped)).toEqual(["__proto__", "plan"]);
    expect(mapped["__proto__"]).toEqual({ role: "admin" });
  });

  test("anything but a JSON object is an empty object", () => {
    expect(metadataFromJson("[1,2]")).toEqual({});
    expect(metadataFromJson("null")).toEqual({});
    expect(metadataFromJson("not json")).toEqual({});
  });

  test("for any JSON object, the result is a valid Convex value within the nesting limit", () => {
    const depthOf = (value: unknown): number =>
      typeof value === "object" && value !== null
        ? 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(depthOf))
        : 0;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: "binary" }), fc.jsonValue({ maxDepth: 12 })), (metadata) => {
        const mapped = metadataFromJson(JSON.stringify(metadata));
        expect(() => convexToJson(mapped)).not.toThrow();
        expect(depthOf(mapped)).toBeLessThanOrEqual(MAX_METADATA_DEPTH);
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });
});
