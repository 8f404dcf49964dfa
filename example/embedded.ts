// Loads the example app and the component for convex-test outside vitest, where
// `import.meta.glob` does not exist: the same maps of module path → loader. `serveOverHttp`
// puts a real HTTP server on 127.0.0.1 in front of it, as a deployment's .convex.site is.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { convexTest } from "convex-test";
import exampleSchema from "./convex/schema.js";
import componentSchema from "../src/component/schema.js";

export { exampleSchema, componentSchema };

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

/** The example app with the component registered, on convex-test. */
export async function embeddedExample() {
  const t = convexTest(exampleSchema, await exampleModules());
  t.registerComponent("clerk", componentSchema, await componentModules());
  return t;
}

type HttpActions = { fetch(path: string, init?: RequestInit): Promise<Response> };

/**
 * Serve `t`'s HTTP actions on 127.0.0.1 (`port` 0: any free one). `onResponse` runs after
 * each answer is sent. A path in `unmounted` is answered 404, as a deployment whose http.ts
 * no longer routes it answers (add and remove paths while serving).
 */
export async function serveOverHttp(
  t: HttpActions,
  options: { port?: number; onResponse?: () => void; unmounted?: Set<string> } = {},
) {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (options.unmounted?.has(path)) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end(`No HttpAction routed for ${path}`);
      options.onResponse?.();
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
    );
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const response = await t.fetch(req.url ?? "/", {
      method: req.method,
      headers,
      body: hasBody ? Buffer.concat(chunks).toString("utf8") : undefined,
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(await response.text());
    options.onResponse?.();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return {
    /** `http://127.0.0.1:<port>`, the stand-in for `https://<name>.convex.site`. */
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
