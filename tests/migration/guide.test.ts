// docs/migrating.md shows the migration example's files as they are: each block that names a
// file (`<!-- file: … -->`) is that file, so the guide says what the tested app does.
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";

const guide = readFileSync(new URL("../../docs/migrating.md", import.meta.url), "utf8");
const blocks = [...guide.matchAll(/<!-- file: (\S+) -->\n\n```ts\n([\s\S]*?)\n```/g)];

test("each code block of the guide is the migration example's file it names", () => {
  expect(blocks.map(([, file]) => file)).toEqual(
    ["convex.config", "clerk", "users", "schema", "http", "backfill", "clerkMigration", "duplicateUsers"].map(
      (name) => `tests/migration/after/convex/${name}.ts`,
    ),
  );
  for (const [, file, body] of blocks) {
    expect(body, file).toBe(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8").trimEnd());
  }
});
