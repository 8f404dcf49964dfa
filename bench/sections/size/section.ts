import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { kb, num, table } from "../../lib/format.js";
import type { Section } from "../section.js";
import {
  allOutputs,
  bundle,
  closure,
  lazyChunks,
  measure,
  PACKAGE_LINK,
  sameChunks,
  subtract,
  type Size,
} from "./bundle.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/**
 * The package as a host installs it: the `exports` of package.json point into dist/. Host
 * modules import it through the build folder's link to the repository (bundle.ts).
 */
const pkg = {
  main: JSON.stringify(`./${PACKAGE_LINK}/dist/client/index.js`),
  http: JSON.stringify(`./${PACKAGE_LINK}/dist/client/webhook.js`),
  backfill: JSON.stringify(`./${PACKAGE_LINK}/dist/client/backfill.js`),
  /** Relative to the repository's root, as bundle() takes existing files. */
  component: "dist/component",
};
const naiveDir = "bench/naive/convex";
const CLERK_BACKEND = "@clerk/backend";
const CONVEX_VERSION = (
  JSON.parse(fs.readFileSync(path.join(root, "node_modules/convex/package.json"), "utf8")) as { version: string }
).version;

/**
 * A host's convex/ folder, like example/convex: `clerk.ts` builds the `ClerkSync` (with a
 * hook), `http.ts` mounts the webhook with it, `users.ts` reads the user in a query and
 * calls `syncCurrentUser` from an action, `backfill.ts` uses `ClerkBackfill`. The Convex
 * CLI bundles every module of the folder in one esbuild run, so they are bundled together.
 */
const HOST: Record<string, string> = {
  "clerk.ts": `import { componentsGeneric, makeFunctionReference } from "convex/server";
import { ClerkSync } from ${pkg.main};
export const clerk = new ClerkSync(componentsGeneric().clerk, { onUserEvent: makeFunctionReference("profiles:onUserEvent") });
`,
  "http.ts": `import { httpRouter } from "convex/server";
import { registerClerkRoutes } from ${pkg.http};
import { clerk } from "./clerk";
const http = httpRouter();
registerClerkRoutes(http, clerk);
export default http;
`,
  "users.ts": `import { actionGeneric, queryGeneric } from "convex/server";
import { clerk } from "./clerk";
export const me = queryGeneric({ args: {}, handler: (ctx) => clerk.getCurrentUser(ctx) });
export const ensureMe = actionGeneric({ args: {}, handler: (ctx) => clerk.syncCurrentUser(ctx) });
`,
  "backfill.ts": `import { internalMutationGeneric, makeFunctionReference } from "convex/server";
import { ClerkBackfill } from ${pkg.backfill};
import { clerk } from "./clerk";
const backfill = new ClerkBackfill(clerk);
export const step = backfill.step;
export const start = internalMutationGeneric({
  args: {},
  handler: (ctx) => backfill.start(ctx, makeFunctionReference("backfill:step")),
});
`,
};
/** The same folder without the package: what the package's figures are measured against. */
const EMPTY_HOST: Record<string, string> = {
  "http.ts": `import { httpRouter } from "convex/server";\nconst http = httpRouter();\nexport default http;\n`,
};
/** The naive app's webhook (http.ts) and the mutations it runs (users.ts). */
const NAIVE = ["http.ts", "users.ts"].map((file) => `${naiveDir}/${file}`);

const BUNDLED_AS = [
  `Bundled as the Convex CLI (${CONVEX_VERSION}) bundles a deployment: one esbuild run over all the modules of`,
  "a convex/ folder, ESM, platform browser, splitting on (shared code goes to _deps/ chunks),",
  'conditions "convex", "module", NODE_ENV "production". `convex` is external (every host has it).',
  "The host is a convex/ folder like example/convex: clerk.ts (new ClerkSync(components.clerk,",
  "{ onUserEvent })), http.ts (registerClerkRoutes(http, clerk)), users.ts (a query with",
  "getCurrentUser, an action with syncCurrentUser), backfill.ts (ClerkBackfill); the package is",
  "imported from dist/, as published. A module loads its own chunk and, transitively, the chunks",
  "it imports statically (metafile imports of kind import-statement); a dynamic import() chunk",
  "loads only when that code runs. Added = (that closure) − (the same for an empty router).",
  "minified: esbuild minify; gzipped: zlib gzip of each minified file, default level, summed.",
  "Built in a temp folder that reaches the repository through a link of a fixed name, so the",
  "module paths esbuild writes into the output, and so every byte, do not depend on where the",
  "repository is checked out.",
];

/** What each host module loads, measured. */
type Sizes = Record<"httpAdded" | "usersAdded" | "lazySize" | "backfillAdded" | "componentAll" | "naiveAll", Size> & {
  /** The lazy chunks' files, and whether users.ts loads the same shared chunks as http.ts. */
  lazyFiles: number;
  sameChunksAsHttp: boolean;
};

export const sizeSection: Section = {
  key: "size",
  title: "5. Bundle size",
  deterministic: true,
  timings: [],
  async run() {
    const sizes = await measureHost();
    const { httpAdded, usersAdded, lazySize, backfillAdded, componentAll, naiveAll } = sizes;
    return {
      lines: report(sizes),
      json: {
        bundledAs: BUNDLED_AS.join(" "),
        httpStaticAdded: httpAdded,
        usersStaticAdded: usersAdded,
        lazyOnSyncCurrentUser: lazySize,
        backfillStaticAdded: backfillAdded,
        component: componentAll,
        naiveAdded: naiveAll,
        /** Minified bytes of @clerk/backend in each: 0 is the point for http.ts and users.ts. */
        clerkBackendBytes: {
          httpStatic: httpAdded.byPackage[CLERK_BACKEND] ?? 0,
          usersStatic: usersAdded.byPackage[CLERK_BACKEND] ?? 0,
          lazy: lazySize.byPackage[CLERK_BACKEND] ?? 0,
          backfillStatic: backfillAdded.byPackage[CLERK_BACKEND] ?? 0,
        },
      },
    };
  },
};

async function measureHost(): Promise<Sizes> {
  requireBuild();
  const host = await bundle(root, HOST);
  const empty = await bundle(root, EMPTY_HOST);
  const naive = await bundle(root, NAIVE, naiveDir);
  const component = await bundle(root, componentModules(), pkg.component);
  const emptyHttp = measure(empty, closure(empty, ["http.ts"]));
  const http = closure(host, ["http.ts"]);
  const users = closure(host, ["users.ts"]);
  // Chunks reached only through import(): loaded when that code runs, not before.
  const lazy = lazyChunks(host, ["http.ts", "users.ts"]);
  return {
    httpAdded: subtract(measure(host, http), emptyHttp),
    usersAdded: subtract(measure(host, users), emptyHttp),
    backfillAdded: subtract(measure(host, closure(host, ["backfill.ts"])), emptyHttp),
    lazySize: measure(host, lazy),
    naiveAll: subtract(measure(naive, allOutputs(naive)), emptyHttp),
    componentAll: measure(component, allOutputs(component)),
    lazyFiles: lazy.minified.size,
    sameChunksAsHttp: sameChunks(http, users),
  };
}

function report(sizes: Sizes): string[] {
  const { httpAdded, usersAdded, lazySize, backfillAdded, componentAll, naiveAll } = sizes;
  const row = (label: string, size: Size) => [
    label,
    num(size.files),
    num(size.raw),
    num(size.minified),
    num(size.gzipped),
  ];
  const parts = (size: Size) =>
    Object.entries(size.byPackage)
      .sort(([, a], [, b]) => b - a)
      .map(([name, bytes]) => `${name} ${kb(bytes)} KB`)
      .join(", ") || "nothing";
  const present = (size: Size, name: string) => {
    const bytes = size.byPackage[name] ?? 0;
    return bytes > 0 ? `PRESENT (${kb(bytes)} KB)` : "absent";
  };
  return [
    ...BUNDLED_AS,
    "",
    ...table(
      [
        ["what a host module loads", "files", "raw B", "minified B", "gzipped B"],
        row("http.ts (webhook): added by the package", httpAdded),
        row("users.ts (query/action): added", usersAdded),
        row("  + lazy, only when syncCurrentUser runs", lazySize),
        row("backfill.ts (ClerkBackfill): added", backfillAdded),
        row("component: all its modules", componentAll),
        row("naive webhook code (http.ts + users.ts)", naiveAll),
      ],
      [1, 2, 3, 4],
    ),
    "",
    "minified bytes by origin:",
    `  http.ts: ${parts(httpAdded)}`,
    `  users.ts: ${parts(usersAdded)}`,
    `  lazy chunk${sizes.lazyFiles === 1 ? "" : "s"} (import("./clerkApi.js") in syncCurrentUser): ${parts(lazySize)}`,
    `  backfill.ts: ${parts(backfillAdded)}`,
    `  component: ${parts(componentAll)}`,
    ...(sizes.sameChunksAsHttp
      ? ["users.ts loads the same _deps chunks as http.ts, so the webhook code and svix too."]
      : []),
    `svix in users.ts's static closure: ${present(usersAdded, "svix")} (the webhook is its own entry point,`,
    "  convex-clerk-sync/http, so a module that only reads users does not load it).",
    `${CLERK_BACKEND} in http.ts's static closure (read from the metafile): ${present(httpAdded, CLERK_BACKEND)}; in users.ts's: ${present(usersAdded, CLERK_BACKEND)};`,
    `  in the lazy chunks: ${present(lazySize, CLERK_BACKEND)}. backfill.ts loads it statically, as ClerkBackfill needs it.`,
  ];
}

/** The package is measured as built: a dist/ older than src/ would measure code that is gone. */
function requireBuild() {
  const newest = (dir: string): number =>
    fs.existsSync(dir)
      ? Math.max(
          0,
          ...fs
            .readdirSync(dir, { recursive: true, withFileTypes: true })
            .filter((entry) => entry.isFile())
            .map((entry) => fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs),
        )
      : 0;
  if (newest(path.join(root, "src")) > newest(path.join(root, "dist"))) {
    throw new Error("size: dist/ is older than src/ (or missing): run npm run build first");
  }
}

/** The component's function modules, as the CLI deploys them: one entry point each. */
function componentModules(): string[] {
  return fs
    .readdirSync(path.join(root, pkg.component))
    .filter((file) => file.endsWith(".js") && file !== "convex.config.js")
    .map((file) => `${pkg.component}/${file}`);
}
