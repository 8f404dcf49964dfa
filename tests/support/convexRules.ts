/**
 * convex-rules: a drop-in for convex-test's `convexTest` that refuses what a real Convex
 * deployment refuses, so such defects fail the suite instead of passing in the mock.
 *
 * Rules, with the message Convex gives and a `(convex-rules: …)` hint naming the function:
 * 1. `.paginate()` only in the app: "paginate() is only supported in the app".
 * 2. dynamic `import()` only in actions and HTTP actions: "dynamic module import unsupported".
 * 3. component functions never read `process.env` (components do not see the app's environment).
 * 4. values (convexValueRules.ts): arguments and return values (≤ 16 MiB, nesting ≤ 64; field names as `convexToJson`
 *    checks them) and stored documents (nesting ≤ 16, no top-level `_` fields but the system
 *    ones; their 1 MiB convex-test checks itself); in both, arrays ≤ 8,192 elements and objects
 *    ≤ 1,024 fields.
 * 5. transaction limits always on (`transactionLimits: true` unless custom limits are given).
 * 6. a function handle that names no function fails when it is scheduled or run.
 * 7. HTTP actions take request bodies up to 20 MiB: a larger one is answered 413 and the handler
 *    never runs, as Convex's HTTP layer refuses it ("Request and response size is limited to
 *    20MB", docs.convex.dev/functions/http-actions; `HTTP_ACTION_BODY_LIMIT`, crates/udf).
 *
 * What convex-test (0.0.73) enforces itself is not repeated here: a stored document over 1 MiB
 * (the layer only adds the function and table to its message), one `.paginate()` per query,
 * transaction read and write limits once turned on, return validators, a scheduled mutation
 * canceling itself (convex ≥ 1.50), and `Date.now()` fixed for a transaction's duration, never
 * before the last commit (so under frozen fake timers each commit moves a function's clock on by
 * up to 1 ms).
 *
 * Mechanism:
 * - Every module map given to `convexTest` or `t.registerComponent` (which `clerkTest.register`
 *   calls) is wrapped: each registered function's `_handler`, and each HTTP route the `http`
 *   router's `lookup` returns, runs inside an AsyncLocalStorage context that knows the
 *   component path, the function kind and its path. That is where arguments and return values
 *   are checked.
 * - `globalThis.Convex` (convex-test's syscall entry point) is wrapped: `1.0/queryPage` is
 *   refused inside a component function; `1.0/insert`, `1.0/replace` and `1.0/shallowMerge`
 *   check the written fields before the write; syscalls that carry a `functionHandle` resolve
 *   it first.
 * - `process.env` is replaced by a Proxy that throws when code of this project (not a library
 *   in node_modules) reads it while a component function runs.
 * - The Vite plugin in `convexRulesPlugin.ts` rewrites each dynamic `import(x)` in the code
 *   under test to call `globalThis.__convexRulesDynamicImport` first; it rejects the import while
 *   a query or mutation runs, wherever the code lives (component, host library, app).
 *
 * Not covered: code the test writes inline (`t.run`, `t.runInComponent`) is not a registered
 * function and only meets the document rules; a handle run with `ctx.runQuery`/`runMutation`
 * from an action bypasses the syscalls (convex-test resolves it directly and fails on its own).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { convexTest as baseConvexTest } from "convex-test";
import type { JSONValue } from "convex/values";
import {
  checkDocumentFields,
  checkFunctionValue,
  formatSize,
  LIMITS,
  refuse,
  where,
  writtenFields,
  type FunctionPlace,
  type Kind,
} from "./convexValueRules";
import { reportAccess } from "./documentAccess";

export { LIMITS };

type Loader = () => Promise<Record<string, unknown>>;
type Modules = Record<string, Loader>;
type Handler = (ctx: unknown, args: unknown) => unknown;
type AsyncSyscall = (op: string, jsonArgs: string) => Promise<string>;
type ConvexSyscalls = { syscall: unknown; asyncSyscall: AsyncSyscall; jsSyscall: unknown };

/** The original module maps of one `convexTest` instance, by component path ("" is the app). */
type Registry = Map<string, Modules>;

/** The registered function running now. */
interface Running extends FunctionPlace {
  registry: Registry;
}

// Shared through globalThis: the setup file and a test file may hold separate instances of this module.
const shared = globalThis as unknown as Record<symbol, AsyncLocalStorage<unknown> | undefined>;
const running = (shared[Symbol.for("convex-rules.running")] ??= new AsyncLocalStorage()) as AsyncLocalStorage<Running>;
// For handles scheduled by the test's own inline functions.
const instance = (shared[Symbol.for("convex-rules.instance")] ??=
  new AsyncLocalStorage()) as AsyncLocalStorage<Registry>;

/**
 * `convexTest` from convex-test, with the rules above. Same signature; transaction limits are
 * always enforced (`true`, or the custom limits the options give).
 */
export const convexTest: typeof baseConvexTest = ((schemaOrOptions?: unknown, modules?: Modules) => {
  const options: { schema?: unknown; modules?: Modules; transactionLimits?: unknown } =
    schemaOrOptions === undefined || isSchemaDefinition(schemaOrOptions)
      ? { schema: schemaOrOptions, modules }
      : { ...(schemaOrOptions as object) };
  if (options.modules === undefined) {
    throw new Error("convex-rules: pass the app's modules (`import.meta.glob`) to convexTest");
  }
  const registry: Registry = new Map();
  options.modules = wrapModules(options.modules, "", registry);
  if (typeof options.transactionLimits !== "object" || options.transactionLimits === null) {
    options.transactionLimits = true;
  }
  const t = baseConvexTest(options as Parameters<typeof baseConvexTest>[0] & object);
  installSyscallGuard();
  return bindInstance(t, registry);
}) as typeof baseConvexTest;

function isSchemaDefinition(value: unknown): boolean {
  return typeof value === "object" && value !== null && "tables" in value && typeof value.tables === "object";
}

/** Run the test's calls with the instance known, and wrap the modules of components it registers. */
function bindInstance<T extends object>(accessor: T, registry: Registry): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(accessor)) {
    if (typeof value !== "function") out[key] = value;
    else if (key === "registerComponent") {
      out[key] = (path: string, schema: unknown, glob: Modules) =>
        value(path, schema, wrapModules(glob, path, registry));
    } else if (key === "withIdentity" || key === "withRequestMetadata") {
      out[key] = (...args: unknown[]) => bindInstance(value(...args), registry);
    } else out[key] = (...args: unknown[]) => instance.run(registry, () => value(...args));
  }
  return out as T;
}

// --- Module maps: each registered function runs in a context that knows what it is ---

/** Where convex-test roots module paths: the part of a key before "_generated". */
function modulesPrefix(modules: Modules): string {
  const generated = Object.keys(modules).find((key) => key.includes("_generated"));
  return generated === undefined ? "" : generated.split("_generated", 2)[0];
}

const modulePathOf = (key: string, prefix: string) => key.slice(prefix.length).replace(/\.[^.]+$/, "");

function wrapModules(modules: Modules, componentPath: string, registry: Registry): Modules {
  registry.set(componentPath, modules);
  const prefix = modulesPrefix(modules);
  return Object.fromEntries(
    Object.entries(modules).map(([key, load]) => {
      const modulePath = modulePathOf(key, prefix);
      // Wrapped once per module object: a loader that answers another module later (a test
      // that redeploys the app) gets that one wrapped too.
      const wrapped = new WeakMap<object, Record<string, unknown>>();
      const loader: Loader = async () => {
        const module = await load();
        let checked = wrapped.get(module);
        if (checked === undefined)
          wrapped.set(module, (checked = wrapModule(module, modulePath, componentPath, registry)));
        return checked;
      };
      return [key, loader];
    }),
  );
}

function functionKind(value: unknown): Kind | undefined {
  if (typeof value !== "function") return undefined;
  const f = value as { isQuery?: boolean; isMutation?: boolean; isAction?: boolean; isHttp?: boolean };
  if (f.isQuery) return "query";
  if (f.isMutation) return "mutation";
  if (f.isAction) return "action";
  if (f.isHttp) return "httpAction";
  return undefined;
}

function wrapModule(module: Record<string, unknown>, modulePath: string, componentPath: string, registry: Registry) {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(module)) {
    const kind = functionKind(value);
    if (kind)
      out[name] = wrapFunction(value as Handler, { componentPath, kind, udfPath: `${modulePath}:${name}`, registry });
    else if (isRouter(value)) out[name] = wrapRouter(value, componentPath, registry);
    else out[name] = value;
  }
  return out;
}

type Router = { isRouter: true; lookup: (path: string, method: string) => [unknown, string, string] | null };

function isRouter(value: unknown): value is Router {
  return typeof value === "object" && value !== null && (value as Router).isRouter === true;
}

function wrapRouter(router: Router, componentPath: string, registry: Registry): Router {
  const lookup = (path: string, method: string) => {
    const found = router.lookup(path, method);
    if (!found) return found;
    const [func, routeMethod, routePath] = found;
    const udfPath = `${routeMethod} ${routePath}`;
    return [
      wrapFunction(func as Handler, { componentPath, kind: "httpAction", udfPath, registry }),
      routeMethod,
      routePath,
    ];
  };
  return new Proxy(router, { get: (target, key) => (key === "lookup" ? lookup : Reflect.get(target, key, target)) });
}

function wrapFunction(func: Handler, fn: Running): Handler {
  const handler = ("_handler" in func ? (func as { _handler: Handler })._handler : func) as Handler;
  const checked: Handler = (ctx, args) =>
    running.run(fn, async () => {
      if (fn.kind === "httpAction") return (await oversizedRequest(args, fn)) ?? handler(ctx, args);
      checkFunctionValue(args, "arguments", fn);
      const result = await handler(ctx, args);
      checkFunctionValue(result, "return value", fn);
      return result;
    });
  return Object.assign((ctx: unknown, args: unknown) => checked(ctx, args), func, { _handler: checked });
}

/** The answer to a request body over Convex's limit, or undefined for one within it. */
async function oversizedRequest(request: unknown, fn: Running): Promise<Response | undefined> {
  if (!(request instanceof Request) || request.body === null) return undefined;
  const size = (await request.clone().arrayBuffer()).byteLength;
  if (size <= LIMITS.httpBody) return undefined;
  const limits = `(actual: ${formatSize(size)}, limit: ${formatSize(LIMITS.httpBody)})`;
  const message = refuse(`HTTP request body is too large ${limits}`, where(fn)).message;
  return new Response(message, { status: 413, headers: { "content-type": "text/plain" } });
}

// --- Syscalls ---

const SYSCALL_GUARD = Symbol.for("convex-rules.syscalls");
const HANDLE_OPS = new Set(["1.0/schedule", "1.0/actions/schedule", "1.0/runUdf"]);
const WRITE_OPS = new Set(["1.0/insert", "1.0/replace", "1.0/shallowMerge"]);

/** Wrap convex-test's `globalThis.Convex` (set once per convex-test module instance). */
function installSyscallGuard() {
  const global = globalThis as unknown as { Convex?: ConvexSyscalls & { [SYSCALL_GUARD]?: true } };
  const inner = global.Convex;
  if (inner === undefined || inner[SYSCALL_GUARD]) return;
  global.Convex = {
    [SYSCALL_GUARD]: true,
    get syscall() {
      return inner.syscall;
    },
    get asyncSyscall() {
      const call = inner.asyncSyscall;
      return (op: string, jsonArgs: string) => guardedAsyncSyscall(call, op, jsonArgs);
    },
    get jsSyscall() {
      return inner.jsSyscall;
    },
  };
}

async function guardedAsyncSyscall(call: AsyncSyscall, op: string, jsonArgs: string): Promise<string> {
  const fn = running.getStore();
  if (op === "1.0/queryPage" && fn !== undefined && fn.componentPath !== "") {
    throw refuse(
      "paginate() is only supported in the app. Learn more at https://docs.convex.dev/components/authoring#pagination",
      where(fn),
    );
  }
  if (HANDLE_OPS.has(op)) {
    const { functionHandle } = JSON.parse(jsonArgs) as { functionHandle?: unknown };
    if (typeof functionHandle === "string") await checkHandle(functionHandle, op, fn);
  }
  const result = await (WRITE_OPS.has(op) ? guardedWrite(call, op, jsonArgs, fn) : call(op, jsonArgs));
  if (fn !== undefined) reportAccess(fn, op, jsonArgs, result);
  return result;
}

async function guardedWrite(call: AsyncSyscall, op: string, jsonArgs: string, fn: Running | undefined) {
  const args = JSON.parse(jsonArgs) as { table?: string; id?: string; value: Record<string, JSONValue> };
  const verb = { "1.0/insert": "insert into", "1.0/replace": "replace in", "1.0/shallowMerge": "patch in" }[op];
  // A patch names only the id; convex-test's ids end with the table name.
  const table = args.table ?? /^\d+(.*)$/.exec(args.id ?? "")?.[1] ?? "?";
  const hint = `${where(fn)}, ${verb} table "${table}"`;
  checkDocumentFields(writtenFields(op, args.value), hint);
  try {
    return await call(op, jsonArgs);
  } catch (error) {
    // convex-test refuses a stored document over 1 MiB itself, before the write is staged:
    // its message, with the function and table named.
    if (error instanceof Error && error.message.startsWith("Value is too large")) throw refuse(error.message, hint);
    throw error;
  }
}

/** A handle must name a registered function (convex-test builds `function://<component>;<path>`). */
async function checkHandle(handle: string, op: string, fn: Running | undefined) {
  const registry = fn?.registry ?? instance.getStore();
  if (registry === undefined) return;
  const hint = (detail: string) => `${where(fn)} ${op === "1.0/runUdf" ? "ran" : "scheduled"} ${handle}: ${detail}`;
  const match = /^function:\/\/([^;]*);(.+)$/.exec(handle);
  if (!match) throw refuse(`Invalid function handle ${handle}`, hint("not a function handle"));
  const [, componentPath, udfPath] = match;
  const modules = registry.get(componentPath);
  if (modules === undefined) {
    throw refuse("Function handle not found", hint(`no component "${componentPath}" is registered`));
  }
  const [modulePath, exportName = "default"] = udfPath.split(":");
  const prefix = modulesPrefix(modules);
  const key = Object.keys(modules).find((k) => k.startsWith(prefix) && modulePathOf(k, prefix) === modulePath);
  const module = key === undefined ? undefined : await modules[key]();
  const kind = functionKind(module?.[exportName]);
  if (kind === undefined || kind === "httpAction") {
    const owner = componentPath === "" ? "the app" : `component "${componentPath}"`;
    throw refuse("Function handle not found", hint(`${owner} has no function ${udfPath}`));
  }
}

// --- process.env and dynamic import() ---

const ENV_GUARD = Symbol.for("convex-rules.env");
const SELF = new URL(import.meta.url).pathname;

/** Whether the code reading now is this project's (a library in node_modules may read its own settings). */
function readByProjectCode(): boolean {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  const caller = frames.find((frame) => /[/\\]|node:/.test(frame) && !frame.includes(SELF));
  return caller === undefined || !(caller.includes("/node_modules/") || caller.includes("node:"));
}

function guardEnvRead(key: string | null) {
  const fn = running.getStore();
  if (fn === undefined || fn.componentPath === "" || !readByProjectCode()) return;
  throw refuse(
    "process.env is not available in components: a component cannot read the app's environment variables",
    `${where(fn)} read process.env${key === null ? "" : `.${key}`}; pass configuration as arguments`,
  );
}

function installEnvGuard() {
  if ((process.env as Record<symbol, unknown>)[ENV_GUARD]) return;
  const env = process.env;
  process.env = new Proxy(env, {
    get(target, key) {
      if (key === ENV_GUARD) return true;
      if (typeof key === "string") guardEnvRead(key);
      return Reflect.get(target, key);
    },
    has(target, key) {
      if (typeof key === "string") guardEnvRead(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      guardEnvRead(null);
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === "string") guardEnvRead(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    set: (target, key, value) => Reflect.set(target, key, value),
  });
}

// The name `convexRulesPlugin.ts` rewrites `import(x)` to call first.
const DYNAMIC_IMPORT_HOOK = "__convexRulesDynamicImport";

function installDynamicImportGuard() {
  (globalThis as Record<string, unknown>)[DYNAMIC_IMPORT_HOOK] = (specifier: string) => {
    const fn = running.getStore();
    if (fn === undefined || (fn.kind !== "query" && fn.kind !== "mutation")) return undefined;
    return Promise.reject(
      new TypeError(
        `dynamic module import unsupported (convex-rules: ${where(fn)} ran import(${specifier}); ` +
          "only actions and HTTP actions can import modules dynamically)",
      ),
    );
  };
}

installEnvGuard();
installDynamicImportGuard();
