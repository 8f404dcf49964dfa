import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { kb, num, table } from "../lib/format.js";
import type { Section } from "./section.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const client = JSON.stringify(path.join(root, "src/client/index.ts"));
const naiveDir = path.join(root, "bench/naive/convex");

/** A host's http.ts without the package: what the package's figures are measured against. */
const EMPTY_HOST = `import { httpRouter } from "convex/server";\nconst http = httpRouter();\nexport default http;\n`;
const HOST = `import { componentsGeneric, httpRouter } from "convex/server";
import { registerClerkRoutes } from ${client};
const http = httpRouter();
registerClerkRoutes(http, componentsGeneric().clerk);
export default http;
`;
const NAIVE = `export { default } from ${JSON.stringify(path.join(naiveDir, "http.ts"))};
export * as users from ${JSON.stringify(path.join(naiveDir, "users.ts"))};
`;

type Size = { raw: number; minified: number; gzipped: number; byPackage: Record<string, number> };

export const sizeSection: Section = {
  key: "size",
  title: "5. Bundle size",
  async run() {
    const empty = await measure(EMPTY_HOST);
    const host = subtract(await measure(HOST), empty);
    const naive = subtract(await measure(NAIVE), empty);
    const component = await measure(componentEntry());
    const row = (label: string, size: Size) => [label, num(size.raw), num(size.minified), num(size.gzipped)];
    const parts = (size: Size) =>
      Object.entries(size.byPackage)
        .sort(([, a], [, b]) => b - a)
        .map(([name, bytes]) => `${name} ${kb(bytes)} KB`)
        .join(", ");
    return {
      lines: [
        "esbuild, bundled, ESM, platform browser (Convex's default runtime), `convex` external since the",
        "host has it. Bytes added to a host's http.ts = (http.ts with registerClerkRoutes) − (empty router).",
        "gzipped = zlib gzip of the minified bundle, default level.",
        "",
        ...table(
          [
            ["bundle", "raw B", "minified B", "gzipped B"],
            row("host HTTP action: added by the package", host),
            row("component: all its modules", component),
            row("naive webhook code (http.ts + users.ts)", naive),
          ],
          [1, 2, 3],
        ),
        "",
        "minified bytes by origin:",
        `  host: ${parts(host)}`,
        `  component: ${parts(component)}`,
      ],
      json: { hostAdded: host, component, naiveAdded: naive },
    };
  },
};

/** Every module of the component, as the Convex CLI would deploy it, in one bundle. */
function componentEntry() {
  const dir = path.join(root, "src/component");
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".ts") && !file.includes(".test."))
    .map((file, i) => `export * as m${i} from ${JSON.stringify(path.join(dir, file))};`)
    .join("\n");
}

async function measure(entry: string): Promise<Size> {
  const bundle = (minify: boolean) =>
    build({
      stdin: { contents: entry, resolveDir: root, loader: "ts", sourcefile: "entry.ts" },
      bundle: true,
      minify,
      format: "esm",
      platform: "browser",
      target: "es2022",
      external: ["convex", "convex/*"],
      write: false,
      metafile: true,
      logLevel: "silent",
    });
  const [raw, minified] = await Promise.all([bundle(false), bundle(true)]);
  const bytes = minified.outputFiles[0].contents;
  return {
    raw: raw.outputFiles[0].contents.length,
    minified: bytes.length,
    gzipped: gzipSync(bytes).length,
    byPackage: byPackage(minified.metafile),
  };
}

/** Minified bytes per npm package, and "own code" for everything outside node_modules. */
function byPackage(metafile: Metafile): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const name = match ? match[1] : "own code";
      totals[name] = (totals[name] ?? 0) + bytesInOutput;
    }
  }
  return totals;
}

function subtract(size: Size, base: Size): Size {
  const byPackage = { ...size.byPackage };
  for (const [name, bytes] of Object.entries(base.byPackage)) byPackage[name] = (byPackage[name] ?? 0) - bytes;
  for (const [name, bytes] of Object.entries(byPackage)) if (bytes <= 0) delete byPackage[name];
  return {
    raw: size.raw - base.raw,
    minified: size.minified - base.minified,
    gzipped: size.gzipped - base.gzipped,
    byPackage,
  };
}
