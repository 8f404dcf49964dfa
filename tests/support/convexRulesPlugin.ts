/**
 * A Vite plugin for the test layer in `convexRules.ts`: rewrites every dynamic `import(x)` in the
 * code under test (`src/`, `dist/`, `example/`, `tests/fixtures/`) to
 *
 *   (globalThis.__convexRulesDynamicImport?.("x") ?? import(x))
 *
 * so the layer can refuse it while a query or mutation runs, as Convex does ("dynamic module
 * import unsupported"). Without the layer loaded the hook is undefined and the import runs as
 * written. Module maps (`import.meta.glob`, and the loaders written in test files) are not
 * rewritten: they load modules for convex-test, they are not code under test.
 *
 * The rewrite finds real `import()` calls with the TypeScript parser (not in strings or
 * comments) and inserts text on the same lines, so line numbers in stack traces stay right.
 */
import path from "node:path";
import ts from "typescript";
import type { Plugin } from "vitest/config";

/** The global the rewritten code calls; `convexRules.ts` installs it. */
export const DYNAMIC_IMPORT_HOOK = "__convexRulesDynamicImport";

const CHECKED_DIRS = ["src", "dist", "example", path.join("tests", "fixtures")];
const CHECKED_EXTENSIONS = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

/** The plugin: checks files under the project root's `src/`, `dist/`, `example/` and `tests/fixtures/`. */
export function convexRulesPlugin(): Plugin {
  let dirs: string[] = [];
  return {
    name: "convex-rules-dynamic-import",
    enforce: "pre",
    configResolved(config) {
      dirs = CHECKED_DIRS.map((dir) => path.join(config.root, dir) + path.sep);
    },
    transform(code, id) {
      const file = id.split("?", 1)[0];
      if (!CHECKED_EXTENSIONS.test(file) || file.includes(`${path.sep}node_modules${path.sep}`)) return null;
      if (!dirs.some((dir) => file.startsWith(dir))) return null;
      const rewritten = rewriteDynamicImports(code, file);
      // Same lines, only columns shift: keep the existing source map.
      return rewritten === code ? null : { code: rewritten, map: null };
    },
  };
}

/** Wrap each dynamic `import()` in `code` with the hook call. Exported for its own test. */
export function rewriteDynamicImports(code: string, fileName: string): string {
  if (!/\bimport\s*\(/.test(code)) return code;
  const kind = /\.[cm]?js$|\.jsx$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TSX;
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, kind);
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      calls.push(node);
      return; // an import() inside an import()'s argument is left as is
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let out = code;
  for (const call of calls.reverse()) {
    const start = call.getStart(source);
    const original = code.slice(start, call.end);
    const specifier = call.arguments[0]?.getText(source) ?? "";
    out =
      out.slice(0, start) +
      `(globalThis.${DYNAMIC_IMPORT_HOOK}?.(${JSON.stringify(specifier)}) ?? ${original})` +
      out.slice(call.end);
  }
  return out;
}
