import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { convexRulesPlugin } from "./tests/support/convexRulesPlugin.ts";

export default defineConfig({
  // Lets the convex-rules test layer refuse dynamic import() in queries and mutations.
  plugins: [convexRulesPlugin()],
  test: {
    environment: "edge-runtime",
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx", "example/**/*.test.ts"],
    // convexRules first: installed before any module under test captures `process.env`.
    setupFiles: ["./tests/support/convexRules.ts", "./tests/support/vitestSetup.ts"],
    server: { deps: { inline: ["convex-test"] } },
    // Each test builds its own convex-test backend and sets the environment it reads, so test
    // files need no fresh module graph each: sharing one per worker halves the suite's time
    // (the files pass in any order: `--sequence.shuffle.files`). Two workers even on two cores:
    // the stand-ins for Clerk and the CLI's servers wait on sockets.
    isolate: false,
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A safety net, not a measure: a test that finishes in 3 s on a quiet machine may take
    // several times that on a busy one. Speed is measured in `npm run bench`.
    testTimeout: 30_000,
  },
});
