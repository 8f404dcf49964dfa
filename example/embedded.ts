// Loads the example app and the component for convex-test outside vitest, where
// `import.meta.glob` does not exist: the same maps of module path → loader.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export { default as exampleSchema } from "./convex/schema.js";
export { default as componentSchema } from "../src/component/schema.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** `import.meta.glob` for plain Node: every .ts/.js module under `dir`, keyed by its path. */
export function modulesIn(dir: string): Record<string, () => Promise<unknown>> {
  const modules: Record<string, () => Promise<unknown>> = {};
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        modules[file] = () => import(pathToFileURL(file).href);
      }
    }
  };
  walk(dir);
  return modules;
}

export const exampleModules = async () => modulesIn(path.join(here, "convex"));
export const componentModules = async () => modulesIn(path.join(here, "../src/component"));
