import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { anyApi } from "convex/server";
import { convexToJson } from "convex/values";
import { userCreated } from "convex-clerk-sync/test";
import {
  jsonTextWithoutRecursion,
  MAX_METADATA_DEPTH,
  metadataFromJson,
  nestingDepth,
  toFieldName,
} from "../src/client/metadata";
import { toSynced } from "../src/client/synced";
import { normalizeUser } from "../src/client/normalize";
import { clerkUser } from "convex-clerk-sync/test";
import { deliver, initConvexTest } from "./setup";

/** The example app with the probe (support/metadataProbe.ts) as its router's ClerkSync. */
const initWithProbe = () =>
  initConvexTest({
    "../example/convex/http.ts": () => import("./support/metadataProbeHttp"),
    "../example/convex/metadataProbe.ts": () => import("./support/metadataProbe"),
  });

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

  test("`__proto__` is percent-encoded, like the keys Convex cannot carry: never the object's prototype", () => {
    const mapped = metadataFromJson('{"__proto__": {"role": "admin"}, "plan": "free"}');
    expect(Object.getPrototypeOf(mapped)).toBe(Object.prototype);
    expect((mapped as Record<string, unknown>).role).toBeUndefined();
    expect(Object.keys(mapped)).toEqual(["%5F%5Fproto%5F%5F", "plan"]);
    expect(mapped["%5F%5Fproto%5F%5F"]).toEqual({ role: "admin" });
    expect(decodeURIComponent("%5F%5Fproto%5F%5F")).toBe("__proto__");
    // The encoded key cannot collide with a key sent as `%5F%5Fproto%5F%5F`, whose `%` is encoded.
    expect(toFieldName("%5F%5Fproto%5F%5F")).toBe("%255F%255Fproto%255F%255F");
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

describe("JSON text at any depth", () => {
  test("written without recursion, it is JSON.stringify's text for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(jsonTextWithoutRecursion(value)).toBe(JSON.stringify(value));
      }),
      { seed: 20261124, numRuns: 300 },
    );
    const withSkipped = { a: undefined, b: [undefined, () => 1], c: { d: undefined } };
    expect(jsonTextWithoutRecursion(withSkipped)).toBe(JSON.stringify(withSkipped));
  });
});

describe("deeply nested metadata", () => {
  test("the nesting depth is read from the text, brackets inside strings and escapes aside", () => {
    expect(nestingDepth("{}")).toBe(1);
    expect(nestingDepth('{"a":[1,{"b":[]}],"c":"[[[{{{"}')).toBe(4);
    expect(nestingDepth('{"a\\":"\\"}')).toBe(1);
    expect(nestingDepth('{"a":"\\"[[[","b":[[]]}')).toBe(3);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const json = JSON.stringify(value);
        expect(nestingDepth(json)).toBe(depthOf(value));
      }),
      { seed: 20261206, numRuns: 300 },
    );
  });

  test("a value kept as text out of thousands of levels is JSON.stringify's text of it", () => {
    const levels = 4000;
    const json = JSON.stringify({ deep: JSON.parse("[".repeat(levels) + "]".repeat(levels)), flat: 1 });
    let node: unknown = metadataFromJson(json).deep;
    // `deep` is the second level; the array at the eighth holds the rest as text.
    for (let depth = 2; depth < MAX_METADATA_DEPTH; depth++) node = (node as unknown[])[0];
    const remaining = levels - (MAX_METADATA_DEPTH - 1);
    expect(node).toEqual(["[".repeat(remaining) + "]".repeat(remaining)]);
  });

  test("a synced record maps its metadata when it is read, and carries it when spread, serialized or replaced", () => {
    const record = normalizeUser(clerkUser({ public_metadata: { $plan: "pro", nested: { ok: true } } }));
    const synced = toSynced(record);
    const expected = { "%24plan": "pro", nested: { ok: true } };
    expect(Object.keys(synced)).toContain("publicMetadata");
    expect((convexToJson({ ...synced }) as Record<string, unknown>).publicMetadata).toEqual(expected);
    expect(JSON.parse(JSON.stringify(synced)).publicMetadata).toEqual(expected);
    expect(synced.publicMetadata).toBe(synced.publicMetadata);
    synced.publicMetadata = { replaced: 1 };
    expect(synced.publicMetadata).toEqual({ replaced: 1 });
  });
});

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === "object" && value !== null) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe("metadata across a function call", () => {
  test("`__proto__` comes back from a query and arrives as another function's argument, under its encoded name", async () => {
    const t = initWithProbe();
    const metadataJson = '{"__proto__":{"role":"admin"},"plan":"free"}';
    const body = JSON.stringify(userCreated({ id: "user_proto" })).replace(
      '"public_metadata":{}',
      `"public_metadata":${metadataJson}`,
    );
    expect((await deliver(t, body)).body.outcome).toBe("inserted");

    const user = await t.query(anyApi.metadataProbe.getUser, { clerkId: "user_proto" });
    expect(Object.keys(user.publicMetadata)).toEqual(["%5F%5Fproto%5F%5F", "plan"]);
    expect(user.publicMetadata["%5F%5Fproto%5F%5F"]).toEqual({ role: "admin" });
    expect(user.publicMetadata.role).toBeUndefined();
    expect(user.publicMetadataJson).toBe(metadataJson);

    const received = await t.run(async (ctx) => (await ctx.db.query("profiles").collect()).map((p) => p.displayName));
    expect(received.map((text) => JSON.parse(text))).toEqual([{ keys: ["%5F%5Fproto%5F%5F", "plan"], role: null }]);
  });
});
