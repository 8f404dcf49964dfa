import { defineConfig } from "vitest/config";
import { convexRulesPlugin } from "./tests/support/convexRulesPlugin.ts";

export default defineConfig({
  // Lets the convex-rules test layer refuse dynamic import() in queries and mutations.
  plugins: [convexRulesPlugin()],
  test: {
    environment: "edge-runtime",
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"],
    // convexRules first: installed before any module under test captures `process.env`.
    setupFiles: ["./tests/support/convexRules.ts", "./tests/support/vitestSetup.ts"],
    server: { deps: { inline: ["convex-test"] } },
    // A safety net, not a measure: a test that finishes in 3 s on a quiet machine may take
    // several times that on a busy one. Speed is measured in `npm run bench`.
    testTimeout: 30_000,
  },
});
