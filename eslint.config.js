// ESLint as Convex projects set it up: typescript-eslint's recommended rules, Convex's own
// plugin on Convex function code, and Prettier for formatting (eslint-config-prettier turns
// off the rules it owns).
import js from "@eslint/js";
import convexPlugin from "@convex-dev/eslint-plugin";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

// The plugin's recommended config applies to `convex/` folders; this repository's Convex
// code lives in `src/component/` and `example/convex/`.
const convexRules = convexPlugin.configs.recommended[0].rules;

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "**/_generated/", "bench/.tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    files: ["src/component/**/*.ts", "example/convex/**/*.ts", "tests/migration/*/convex/**/*.ts"],
    plugins: { "@convex-dev": convexPlugin },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    // An app's auth.config.ts and client code read the environment; a component cannot.
    rules: { ...convexRules, "@convex-dev/no-process-env": "off" },
  },
  { files: ["src/component/**/*.ts"], rules: { "@convex-dev/no-process-env": "error" } },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The house's sizes: a file a reader can hold (400 lines), a function one screen (60) outside
    // tests, whose describe blocks are lists of cases.
    rules: { "max-lines": ["error", { max: 400 }] },
  },
  {
    files: ["src/**", "example/**", "bench/**", "scripts/**"],
    rules: { "max-lines-per-function": ["error", { max: 60 }] },
  },
  {
    // Harness code: it wraps convex-test's and Convex's untyped internals (module maps, handlers).
    files: ["tests/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  prettier,
);
