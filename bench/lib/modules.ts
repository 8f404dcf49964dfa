import path from "node:path";
import { modulesIn } from "../../example/embedded.js";
import { recordCall } from "./meter.js";
import { timeHandler } from "./userTime.js";

/** What `convexTest` and `registerComponent` take: module path → loader. */
export type ModuleMap = Record<string, () => Promise<any>>;

/**
 * Every module under `dir`, keyed by its path, as the demo loads the example app (convex-test
 * finds the app's root by the `_generated` folder).
 */
export function globModules(dir: string): ModuleMap {
  return modulesIn(dir) as ModuleMap;
}

/**
 * The same modules, with every Convex function wrapped so that each run of it is
 * counted (meter.ts) and timed (userTime.ts) while a measurement is on. This is how
 * "function calls per delivery" is observed rather than assumed: an HTTP action, a
 * mutation called from it, and anything the scheduler starts all go through these wrappers.
 */
export function observeCalls(modules: ModuleMap, app: string): ModuleMap {
  return Object.fromEntries(
    Object.entries(modules).map(([file, load]) => {
      const name = path.basename(file).replace(/\.[^.]+$/, "");
      // convex-test loads a module each time it resolves a function: wrap each module object once.
      const wrapped = new WeakMap<object, Record<string, any>>();
      return [
        file,
        async () => {
          const module = await load();
          if (!wrapped.has(module)) wrapped.set(module, wrapModule(module, `${app}:${name}`));
          return wrapped.get(module);
        },
      ];
    }),
  );
}

function wrapModule(module: Record<string, any>, prefix: string) {
  const wrapped: Record<string, any> = {};
  for (const [exportName, value] of Object.entries(module)) {
    const name = `${prefix}:${exportName}`;
    if (value?.isRouter) wrapped[exportName] = wrapRouter(value, prefix);
    else if (isConvexFunction(value)) wrapped[exportName] = wrapFunction(value, name);
    else wrapped[exportName] = value;
  }
  return wrapped;
}

function isConvexFunction(value: any): boolean {
  const flagged = value?.isQuery || value?.isMutation || value?.isAction || value?.isHttp;
  return Boolean(flagged) && typeof value._handler === "function";
}

/**
 * convex-test reads a registered function's flags, validators and `_handler` (all own
 * properties), so a function carrying them with an observing `_handler` stands in for it
 * (a function, as the rules layer checks that a handle names one).
 */
function wrapFunction(fn: any, name: string) {
  const kind = fn.isHttp ? "http" : fn.isMutation ? "mutation" : fn.isQuery ? "query" : "action";
  const _handler = (ctx: unknown, arg: unknown) => {
    recordCall(kind, name);
    return timeHandler(kind, name, arg, () => fn._handler(ctx, arg));
  };
  return Object.assign((ctx: unknown, arg: unknown) => _handler(ctx, arg), fn, { _handler });
}

/** `t.fetch` looks a route up on the router and runs its handler: wrap what it finds. */
function wrapRouter(router: any, prefix: string) {
  return new Proxy(router, {
    get(target, property, receiver) {
      if (property !== "lookup") return Reflect.get(target, property, receiver);
      return (pathname: string, method: string) => {
        const found = target.lookup(pathname, method);
        if (!found) return found;
        const [handler, ...rest] = found;
        return [wrapFunction(handler, `${prefix} ${method} ${rest[1] ?? pathname}`), ...rest];
      };
    },
  });
}
