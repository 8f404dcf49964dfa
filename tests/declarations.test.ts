// @vitest-environment node
// What a host's type-checker reads through each entry point's declarations (dist/, built by
// `pretest`): the entry points most hosts import reach none of Clerk's own declarations, whose
// errors under exactOptionalPropertyTypes a host with `skipLibCheck: false` would otherwise see.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

/** Every bare module the declarations reachable from `entry` import, with the file that does. */
function externalImports(entry: string): string[] {
  const seen = new Set([path.join(root, entry)]);
  const queue = [...seen];
  const found: string[] = [];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(/(?:from|import\()\s*"([^"]+)"/g)) {
      if (!specifier!.startsWith(".")) {
        found.push(`${specifier} (${path.relative(root, file)})`);
        continue;
      }
      const next = path.join(path.dirname(file), specifier!.replace(/\.js$/, ".d.ts"));
      if (existsSync(next) && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return found;
}

const clerkOnly = (imports: string[]) => imports.filter((name) => name.startsWith("@clerk/"));

describe("declarations a host reads", () => {
  test.each([
    ["convex-clerk-sync", "dist/client/index.d.ts"],
    ["convex-clerk-sync/http", "dist/client/webhook.d.ts"],
    ["convex-clerk-sync/react", "dist/react/index.d.ts"],
  ])("%s reaches none of Clerk's packages' declarations", (_name, entry) => {
    const imports = externalImports(entry);
    expect(imports.some((name) => name.startsWith("convex/"))).toBe(true);
    expect(clerkOnly(imports)).toEqual([]);
  });

  test("the backfill and the test kit do, where their API is Clerk's (its client, its user JSON)", () => {
    expect(clerkOnly(externalImports("dist/client/backfill.d.ts"))).toEqual([
      "@clerk/backend (dist/client/clerkApi.d.ts)",
    ]);
    expect(clerkOnly(externalImports("dist/test.d.ts"))).toContain("@clerk/backend (dist/events/payloads.d.ts)");
  });
});
