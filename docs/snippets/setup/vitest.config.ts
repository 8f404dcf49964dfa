import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // convex-test runs your functions as Convex does: in the edge runtime, with convex-test
    // processed by Vite (it loads your modules with import.meta.glob).
    environment: "edge-runtime",
    server: { deps: { inline: ["convex-test"] } },
  },
});
