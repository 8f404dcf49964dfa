// The convex-rules layer (tests/support/convexRules.ts): for each rule, a fixture function that breaks
// it is refused with Convex's own message, and its correct twin runs.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { anyApi, componentsGeneric, type FunctionReference } from "convex/server";
import type { GenericId } from "convex/values";
import { convexTest, LIMITS } from "./support/convexRules";
import { rewriteDynamicImports } from "./support/convexRulesPlugin";
import schema from "./fixtures/rules/app/schema";
import componentSchema from "./fixtures/rules/component/schema";

const appModules = import.meta.glob("./fixtures/rules/app/**/*.ts");
const componentModules = import.meta.glob("./fixtures/rules/component/**/*.ts");

const rules = anyApi.rules;
type Notes = Record<"add" | "list" | "count" | "readEnv", FunctionReference<"query" | "mutation", "internal">>;
const notes = (componentsGeneric() as unknown as { fixture: { notes: Notes } }).fixture.notes;
const notesList = notes.list as FunctionReference<"query", "internal">;
const notesAdd = notes.add as FunctionReference<"mutation", "internal">;

function init() {
  const t = convexTest(schema, appModules);
  t.registerComponent("fixture", componentSchema, componentModules);
  return t;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("1. paginate() only in the app", () => {
  test("a component query that paginates is refused, called from the test or from an app function", async () => {
    const t = init();
    await t.mutation(notesAdd, { text: "hello" });
    const refused =
      "paginate() is only supported in the app. " +
      "Learn more at https://docs.convex.dev/components/authoring#pagination " +
      '(convex-rules: component "fixture" query notes:list)';
    await expect(t.query(notesList, { paginationOpts: { numItems: 10, cursor: null } })).rejects.toThrow(refused);
    await expect(t.query(rules.listNotes, {})).rejects.toThrow(refused);
    expect(await t.query(rules.countNotes, {})).toBe(1);
  });

  test("an app query paginates", async () => {
    const t = init();
    await t.mutation(rules.store, {});
    const page = await t.query(rules.listItems, { paginationOpts: { numItems: 10, cursor: null } });
    expect(page).toMatchObject({ isDone: true, page: [{ name: "item" }] });
  });
});

describe("2. dynamic import() only in actions and HTTP actions", () => {
  test("a query or mutation that imports, itself or through library code, is refused", async () => {
    const t = init();
    await expect(t.query(rules.importInQuery, {})).rejects.toThrow(
      'dynamic module import unsupported (convex-rules: app query rules:importInQuery ran import("./lazy")',
    );
    await expect(t.mutation(rules.importInMutation, {})).rejects.toThrow(
      "dynamic module import unsupported (convex-rules: app mutation rules:importInMutation",
    );
    await expect(t.mutation(rules.importViaLibraryInMutation, {})).rejects.toThrow(
      "dynamic module import unsupported " +
        '(convex-rules: app mutation rules:importViaLibraryInMutation ran import("./app/lazy")',
    );
  });

  test("an action, or an HTTP action, imports", async () => {
    const t = init();
    expect(await t.action(rules.importInAction, {})).toBe(42);
    expect(await t.action(rules.importViaLibraryInAction, {})).toBe(42);
    const response = await t.fetch("/answer");
    expect(await response.text()).toBe("42");
  });

  test("only real import() calls are rewritten: not strings, comments, or import.meta.glob", () => {
    const source = [
      'const a = await import("./a");',
      '// import("./comment")',
      'const s = "import(\\"./string\\")";',
      'const g = import.meta.glob("./x/*.ts");',
    ].join("\n");
    const lines = rewriteDynamicImports(source, "file.ts").split("\n");
    expect(lines[0]).toBe('const a = await (globalThis.__convexRulesDynamicImport?.("\\"./a\\"") ?? import("./a"));');
    expect(lines.slice(1)).toEqual(source.split("\n").slice(1));
  });
});

describe("3. component functions never read process.env", () => {
  test("a component function that reads process.env is refused", async () => {
    vi.stubEnv("CONVEX_RULES_FIXTURE", "app value");
    const t = init();
    await expect(t.query(notes.readEnv as FunctionReference<"query", "internal">, {})).rejects.toThrow(
      "process.env is not available in components: a component cannot read the app's environment variables " +
        '(convex-rules: component "fixture" query notes:readEnv read process.env.CONVEX_RULES_FIXTURE',
    );
  });

  test("an app function reads process.env", async () => {
    vi.stubEnv("CONVEX_RULES_FIXTURE", "app value");
    expect(await init().query(rules.readEnv, {})).toBe("app value");
  });
});

describe("4. values follow Convex's rules", () => {
  test("arguments and return values: field names, nesting, arrays, size", async () => {
    const t = init();
    await expect(t.query(rules.withKey, { key: "$schema" })).rejects.toThrow(
      "Function rules:withKey return value invalid: Field name $schema starts with a '$', which is reserved. " +
        "(convex-rules: app query rules:withKey)",
    );
    expect(await t.query(rules.withKey, { key: "schema" })).toEqual({ schema: 1 });

    await expect(t.query(rules.nested, { depth: LIMITS.valueNesting + 1 })).rejects.toThrow(
      "Function rules:nested return value invalid: Value is too nested (nested 65 levels deep > maximum nesting 64)",
    );
    expect(await t.query(rules.nested, { depth: LIMITS.valueNesting })).toBeTruthy();

    await expect(t.query(rules.echo, { value: new Array(LIMITS.arrayLength + 1).fill(0) })).rejects.toThrow(
      "Arguments for rules:echo invalid: Array length is too long (8193 > maximum length 8192) " +
        "(convex-rules: app query rules:echo)",
    );
    expect(await t.query(rules.echo, { value: new Array(LIMITS.arrayLength).fill(0) })).toHaveLength(8192);

    const wide = Object.fromEntries(Array.from({ length: LIMITS.objectFields + 1 }, (_, i) => [`f${i}`, i]));
    await expect(t.query(rules.echo, { value: wide })).rejects.toThrow(
      "Object has too many fields (1025 > maximum number 1024)",
    );

    await expect(t.query(rules.text, { length: LIMITS.functionValueSize })).rejects.toThrow(
      "Function rules:text return value is too large (actual: 16 MiB, limit: 16 MiB) " +
        "(convex-rules: app query rules:text)",
    );
    await expect(t.query(rules.echo, { value: "x".repeat(LIMITS.functionValueSize) })).rejects.toThrow(
      "Arguments for rules:echo are too large",
    );
  });

  test("documents: top-level system names, nesting, arrays, size (after a patch too)", async () => {
    const t = init();
    const hint = '(convex-rules: app mutation rules:store, insert into table "items")';
    await expect(t.mutation(rules.store, { field: "_secret" })).rejects.toThrow(
      `Field '_secret' starts with an underscore, which is only allowed for system fields like '_id' ${hint}`,
    );
    await expect(t.mutation(rules.store, { nesting: LIMITS.documentNesting + 1 })).rejects.toThrow(
      `Document is too nested (nested 17 levels deep > maximum nesting 16) ${hint}`,
    );
    await expect(t.mutation(rules.store, { arrayLength: LIMITS.arrayLength + 1 })).rejects.toThrow(
      `Array length is too long (8193 > maximum length 8192) ${hint}`,
    );
    // The 1 MiB is convex-test's own check; the layer names the function and table.
    await expect(t.mutation(rules.store, { bytes: LIMITS.documentSize })).rejects.toThrow(
      `Value is too large (1048657 bytes > maximum size 1048576 bytes) ${hint}`,
    );

    // At the limits, documents are stored.
    await t.mutation(rules.store, { nesting: LIMITS.documentNesting });
    await t.mutation(rules.store, { arrayLength: LIMITS.arrayLength });
    await t.mutation(rules.store, { bytes: LIMITS.documentSize - 100 });

    // Each patch is under 1 MiB, the patched document is not.
    const id = (await t.mutation(rules.store, { bytes: 600 * 1024 })) as GenericId<"items">;
    await expect(t.mutation(rules.grow, { id, field: "more", bytes: 600 * 1024 })).rejects.toThrow(
      "Value is too large (1228888 bytes > maximum size 1048576 bytes) " +
        '(convex-rules: app mutation rules:grow, patch in table "items")',
    );
    await expect(t.mutation(rules.grow, { id, field: "_more", bytes: 1 })).rejects.toThrow("Field '_more'");
    await expect(t.mutation(rules.replaceWith, { id, field: "_x" })).rejects.toThrow("Field '_x'");
    await t.mutation(rules.grow, { id, field: "more", bytes: 1024 });
    await t.mutation(rules.replaceWith, { id, field: "x" });
  });
});

describe("5. transaction limits are always on", () => {
  test("even when the options turn them off", async () => {
    const t = convexTest({ schema, modules: appModules, transactionLimits: false });
    await expect(t.mutation(rules.manyQueries, { count: 4097 })).rejects.toThrow(
      "Too many index ranges read in a single function execution (limit: 4096)",
    );
    expect(await t.mutation(rules.manyQueries, { count: 4096 })).toBe(4096);
  });
});

describe("6. a function handle must name a function", () => {
  test("a handle that names no function fails when it is scheduled or run", async () => {
    const t = init();
    await expect(t.mutation(rules.schedule, { handle: "function://;rules:missing" })).rejects.toThrow(
      "Function handle not found (convex-rules: app mutation rules:schedule scheduled function://;rules:missing: " +
        "the app has no function rules:missing)",
    );
    await expect(t.mutation(rules.run, { handle: "function://;rules:missing" })).rejects.toThrow(
      "Function handle not found (convex-rules: app mutation rules:run ran function://;rules:missing",
    );
    await expect(t.mutation(rules.schedule, { handle: "function://ghost;notes:add" })).rejects.toThrow(
      'no component "ghost" is registered',
    );
    await expect(t.mutation(rules.run, { handle: "function://fixture;notes:missing" })).rejects.toThrow(
      'component "fixture" has no function notes:missing',
    );
  });

  test("a handle created for a function is scheduled and run", async () => {
    const t = init();
    const handle = await t.mutation(rules.recordHandle, {});
    await t.mutation(rules.schedule, { handle });
    await t.mutation(rules.run, { handle });
    await t.finishAllScheduledFunctions(() => {});
    expect((await t.query(rules.calls, {})).sort()).toEqual(["run", "scheduled"]);
  });
});

describe("7. HTTP request bodies up to 20 MiB", () => {
  test("a larger body is answered 413 and the handler does not run; one at the limit is read", async () => {
    const t = init();
    const refused = await t.fetch("/bodySize", { method: "POST", body: new Uint8Array(LIMITS.httpBody + 1) });
    expect(refused.status).toBe(413);
    expect(await refused.text()).toBe(
      "HTTP request body is too large (actual: 20 MiB, limit: 20 MiB) (convex-rules: app httpAction POST /bodySize)",
    );
    const read = await t.fetch("/bodySize", { method: "POST", body: new Uint8Array(LIMITS.httpBody) });
    expect(await read.text()).toBe(String(LIMITS.httpBody));
  });
});

describe("scripts/check-component.mjs", () => {
  const check = (dir: string) =>
    spawnSync(process.execPath, ["scripts/check-component.mjs", dir], { encoding: "utf8" });

  test("lists each paginate() and process.env in a component's code, and fails", () => {
    const result = check("tests/fixtures/rules/component");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "tests/fixtures/rules/component/notes.ts:14: paginate() is only supported in the app",
    );
    expect(result.stderr).toContain(
      "tests/fixtures/rules/component/notes.ts:26: components cannot read the app's environment variables",
    );
    expect(result.stderr).toContain("check-component: 2 problem(s)");
  });

  test("passes code without them", () => {
    const result = check("tests/fixtures/rules/component/_generated");
    expect(result).toMatchObject({ status: 0, stderr: "" });
  });
});

test("every convex-test instance in tests/ is built by the layer", () => {
  const files = fs.readdirSync("tests", { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
  const direct = files.filter(
    (file) =>
      !file.endsWith("convexRules.ts") &&
      /import\s*\{[^}]*\bconvexTest\b[^}]*\}\s*from\s*"convex-test"/.test(
        fs.readFileSync(path.join("tests", file), "utf8"),
      ),
  );
  expect(direct).toEqual([]);
  expect(files).toContain(path.join("support", "convexRules.ts"));
});
