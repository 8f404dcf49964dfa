import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile, type OutputFile } from "esbuild";
import { kb, num, table } from "../lib/format.js";
import type { Section } from "./section.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The package as a host installs it: the `exports` of package.json point into dist/. */
const pkg = {
  main: JSON.stringify(path.join(root, "dist/client/index.js")),
  http: JSON.stringify(path.join(root, "dist/client/webhook.js")),
  backfill: JSON.stringify(path.join(root, "dist/client/backfill.js")),
  component: path.join(root, "dist/component"),
};
const naiveDir = path.join(root, "bench/naive/convex");
const CLERK_BACKEND = "@clerk/backend";

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
const NAIVE = ["http.ts", "users.ts"].map((file) => path.join(naiveDir, file));

const BUNDLED_AS = [
  "Bundled as the Convex CLI (1.48) bundles a deployment: one esbuild run over all the modules of",
  "a convex/ folder, ESM, platform browser, splitting on (shared code goes to _deps/ chunks),",
  'conditions "convex", "module", NODE_ENV "production". `convex` is external (every host has it).',
  "The host is a convex/ folder like example/convex: clerk.ts (new ClerkSync(components.clerk,",
  "{ onUserEvent })), http.ts (registerClerkRoutes(http, clerk)), users.ts (a query with",
  "getCurrentUser, an action with syncCurrentUser), backfill.ts (ClerkBackfill); the package is",
  "imported from dist/, as published. A module loads its own chunk and, transitively, the chunks",
  "it imports statically (metafile imports of kind import-statement); a dynamic import() chunk",
  "loads only when that code runs. Added = (that closure) − (the same for an empty router).",
  "minified: esbuild minify; gzipped: zlib gzip of each minified file, default level, summed.",
];

/** Bytes of a set of output files, in the three forms, and minified bytes by origin. */
type Size = { files: number; raw: number; minified: number; gzipped: number; byPackage: Record<string, number> };
type Build = { raw: Bundle; minified: Bundle };
type Bundle = { metafile: Metafile; files: Map<string, OutputFile> };

export const sizeSection: Section = {
  key: "size",
  title: "5. Bundle size",
  async run() {
    const host = await bundle(HOST);
    const empty = await bundle(EMPTY_HOST);
    const naive = await bundle(NAIVE, naiveDir);
    const component = await bundle(componentModules(), pkg.component);

    const emptyHttp = closure(empty, ["http.ts"]);
    const http = closure(host, ["http.ts"]);
    const users = closure(host, ["users.ts"]);
    const backfill = closure(host, ["backfill.ts"]);
    const httpAdded = subtract(measure(host, http), measure(empty, emptyHttp));
    const usersAdded = subtract(measure(host, users), measure(empty, emptyHttp));
    const backfillAdded = subtract(measure(host, backfill), measure(empty, emptyHttp));

    // Chunks reached only through import(): loaded when that code runs, not before.
    const lazy = lazyChunks(host, ["http.ts", "users.ts"]);
    const lazySize = measure(host, lazy);
    const naiveAll = subtract(measure(naive, allOutputs(naive)), measure(empty, emptyHttp));
    const componentAll = measure(component, allOutputs(component));

    const clerkInHttp = httpAdded.byPackage[CLERK_BACKEND] ?? 0;
    const clerkInUsers = usersAdded.byPackage[CLERK_BACKEND] ?? 0;
    const clerkInLazy = lazySize.byPackage[CLERK_BACKEND] ?? 0;
    const svixInUsers = usersAdded.byPackage.svix ?? 0;
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
    const present = (bytes: number) => (bytes > 0 ? `PRESENT (${kb(bytes)} KB)` : "absent");
    return {
      lines: [
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
        `  lazy chunk${lazy.minified.size === 1 ? "" : "s"} (import("./clerkApi.js") in syncCurrentUser): ${parts(lazySize)}`,
        `  backfill.ts: ${parts(backfillAdded)}`,
        `  component: ${parts(componentAll)}`,
        ...(sameChunks(http, users)
          ? ["users.ts loads the same _deps chunks as http.ts, so the webhook code and svix too."]
          : []),
        `svix in users.ts's static closure: ${present(svixInUsers)} (the webhook is its own entry point,`,
        "  convex-clerk-sync/http, so a module that only reads users does not load it).",
        `${CLERK_BACKEND} in http.ts's static closure (read from the metafile): ${present(clerkInHttp)}; in users.ts's: ${present(clerkInUsers)};`,
        `  in the lazy chunks: ${present(clerkInLazy)}. backfill.ts loads it statically, as ClerkBackfill needs it.`,
      ],
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
          httpStatic: clerkInHttp,
          usersStatic: clerkInUsers,
          lazy: clerkInLazy,
          backfillStatic: backfillAdded.byPackage[CLERK_BACKEND] ?? 0,
        },
      },
    };
  },
};

/** The component's function modules, as the CLI deploys them: one entry point each. */
function componentModules(): string[] {
  return fs
    .readdirSync(pkg.component)
    .filter((file) => file.endsWith(".js") && file !== "convex.config.js")
    .map((file) => path.join(pkg.component, file));
}

/**
 * Bundle `modules` (file name → source, written to a temp folder, or paths of existing
 * files) twice, plain and minified, with the Convex CLI's options. Nothing is written
 * out: the output files and the metafile stay in memory.
 */
async function bundle(modules: Record<string, string> | string[], outbase?: string): Promise<Build> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-sync-size-"));
  try {
    let entryPoints: string[];
    if (Array.isArray(modules)) entryPoints = modules;
    else {
      entryPoints = Object.entries(modules).map(([file, source]) => {
        fs.writeFileSync(path.join(dir, file), source);
        return path.join(dir, file);
      });
    }
    const run = async (minify: boolean): Promise<Bundle> => {
      const result = await build({
        entryPoints,
        absWorkingDir: dir,
        outdir: path.join(dir, "out"),
        outbase: outbase ?? dir,
        bundle: true,
        splitting: true,
        chunkNames: "_deps/[hash]",
        format: "esm",
        platform: "browser",
        target: "esnext",
        conditions: ["convex", "module"],
        define: { "process.env.NODE_ENV": '"production"' },
        treeShaking: true,
        minify,
        external: ["convex", "convex/*"],
        write: false,
        metafile: true,
        logLevel: "silent",
      });
      const files = new Map(result.outputFiles.map((file) => [path.relative(dir, file.path), file]));
      return { metafile: result.metafile, files };
    };
    return { raw: await run(false), minified: await run(true) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Output files, by build: the plain and the minified build name their chunks differently. */
type FileSet = { raw: Set<string>; minified: Set<string> };

/** The output of each entry module (`out/http.js` for http.ts). */
function entryOutput(bundle: Bundle, entry: string): string {
  const name = `out/${entry.replace(/\.ts$/, ".js")}`;
  if (!bundle.metafile.outputs[name]) throw new Error(`size: no output ${name} in the metafile`);
  return name;
}

/** What loading these entry modules loads: their chunks and every chunk imported statically from them. */
function closure(build: Build, entries: string[]): FileSet {
  const walk = (bundle: Bundle) => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const imported of bundle.metafile.outputs[file].imports) {
        if (!imported.external && imported.kind === "import-statement") visit(imported.path);
      }
    };
    entries.forEach((entry) => visit(entryOutput(bundle, entry)));
    return seen;
  };
  return { raw: walk(build.raw), minified: walk(build.minified) };
}

/** Chunks reachable from `entries` only through a dynamic import(), with their own static imports. */
function lazyChunks(build: Build, entries: string[]): FileSet {
  const walk = (bundle: Bundle, alreadyLoaded: Set<string>) => {
    const lazy = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string, dynamic: boolean) => {
      if (seen.has(file)) return;
      seen.add(file);
      if (dynamic && !alreadyLoaded.has(file)) lazy.add(file);
      for (const imported of bundle.metafile.outputs[file].imports) {
        if (imported.external) continue;
        if (imported.kind === "dynamic-import") visit(imported.path, true);
        else if (imported.kind === "import-statement") visit(imported.path, dynamic);
      }
    };
    entries.forEach((entry) => visit(entryOutput(bundle, entry), false));
    return lazy;
  };
  const loaded = closure(build, entries);
  return { raw: walk(build.raw, loaded.raw), minified: walk(build.minified, loaded.minified) };
}

/** Whether two modules' closures are the same chunks, apart from each module's own. */
function sameChunks(a: FileSet, b: FileSet): boolean {
  const chunks = (set: FileSet) =>
    [...set.minified]
      .filter((file) => file.startsWith("out/_deps/"))
      .sort()
      .join();
  return chunks(a) === chunks(b);
}

function allOutputs(build: Build): FileSet {
  return { raw: new Set(build.raw.files.keys()), minified: new Set(build.minified.files.keys()) };
}

function measure(build: Build, set: FileSet): Size {
  const bytes = (bundle: Bundle, file: string) => {
    const output = bundle.files.get(file);
    if (!output) throw new Error(`size: ${file} is in the metafile but not in the output`);
    return output.contents;
  };
  let raw = 0;
  for (const file of set.raw) raw += bytes(build.raw, file).length;
  let minified = 0;
  let gzipped = 0;
  const byPackage: Record<string, number> = {};
  for (const file of set.minified) {
    const contents = bytes(build.minified, file);
    minified += contents.length;
    gzipped += gzipSync(contents).length;
    for (const [input, { bytesInOutput }] of Object.entries(build.minified.metafile.outputs[file].inputs)) {
      const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const name = match ? match[1] : "own code";
      if (bytesInOutput > 0) byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
    }
  }
  return { files: set.minified.size, raw, minified, gzipped, byPackage };
}

function subtract(size: Size, base: Size): Size {
  const byPackage = { ...size.byPackage };
  for (const [name, bytes] of Object.entries(base.byPackage)) byPackage[name] = (byPackage[name] ?? 0) - bytes;
  for (const [name, bytes] of Object.entries(byPackage)) if (bytes <= 0) delete byPackage[name];
  return {
    files: size.files,
    raw: size.raw - base.raw,
    minified: size.minified - base.minified,
    gzipped: size.gzipped - base.gzipped,
    byPackage,
  };
}
