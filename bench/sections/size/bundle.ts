import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile, type OutputFile } from "esbuild";

/** Bytes of a set of output files, in the three forms, and minified bytes by origin. */
export type Size = { files: number; raw: number; minified: number; gzipped: number; byPackage: Record<string, number> };
export type Build = { raw: Bundle; minified: Bundle };
type Bundle = { metafile: Metafile; files: Map<string, OutputFile> };

/** Where the repository appears inside each build's folder: `pkg/dist/…`, `pkg/node_modules/…`. */
export const PACKAGE_LINK = "pkg";

/**
 * Bundle `modules` (file name → source, written to a temp folder, or paths inside the
 * repository, relative to its root) twice, plain and minified, with the Convex CLI's options.
 * Nothing is written out: the output files and the metafile stay in memory.
 *
 * esbuild writes module paths into its output (a `// path` comment before each module, the
 * key of each CommonJS wrapper), relative to the working folder. The repository is reached
 * through a link at a fixed name inside the temp folder, its path kept as the link's
 * (`preserveSymlinks`), so the bytes are the same from whatever folder the repository is
 * checked out in.
 */
export async function bundle(
  root: string,
  modules: Record<string, string> | string[],
  outbase?: string,
): Promise<Build> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clerk-sync-size-"));
  try {
    fs.symlinkSync(root, path.join(dir, PACKAGE_LINK), "dir");
    const inRepo = (file: string) => path.join(dir, PACKAGE_LINK, file);
    let entryPoints: string[];
    if (Array.isArray(modules)) entryPoints = modules.map(inRepo);
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
        preserveSymlinks: true,
        outdir: path.join(dir, "out"),
        outbase: outbase === undefined ? dir : inRepo(outbase),
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
export type FileSet = { raw: Set<string>; minified: Set<string> };

/** The output of each entry module (`out/http.js` for http.ts). */
function entryOutput(bundle: Bundle, entry: string): string {
  const name = `out/${entry.replace(/\.ts$/, ".js")}`;
  if (!bundle.metafile.outputs[name]) throw new Error(`size: no output ${name} in the metafile`);
  return name;
}

/** What loading these entry modules loads: their chunks and every chunk imported statically from them. */
export function closure(build: Build, entries: string[]): FileSet {
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
export function lazyChunks(build: Build, entries: string[]): FileSet {
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
export function sameChunks(a: FileSet, b: FileSet): boolean {
  const chunks = (set: FileSet) =>
    [...set.minified]
      .filter((file) => file.startsWith("out/_deps/"))
      .sort()
      .join();
  return chunks(a) === chunks(b);
}

export function allOutputs(build: Build): FileSet {
  return { raw: new Set(build.raw.files.keys()), minified: new Set(build.minified.files.keys()) };
}

export function measure(build: Build, set: FileSet): Size {
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

export function subtract(size: Size, base: Size): Size {
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
