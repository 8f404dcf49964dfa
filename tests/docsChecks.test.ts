// @vitest-environment node
// The docs checks (`npm run lint`'s scripts/docs/check.mjs) catch each kind of lie: planted into
// a copy of the docs, each one is reported with its file, line and name.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkDocs, knownNames, type KnownNames } from "../scripts/docs/check.mjs";

const root = path.resolve(import.meta.dirname, "..");
let copy: string;
let known: KnownNames;

beforeAll(async () => {
  // The repository, linked, with README.md and docs/ copied so a test can change them.
  copy = mkdtempSync(path.join(os.tmpdir(), "docs-checks-"));
  for (const name of readdirSync(root)) {
    if (name === ".git") continue;
    if (name === "README.md" || name === "docs")
      cpSync(path.join(root, name), path.join(copy, name), { recursive: true });
    else symlinkSync(path.join(root, name), path.join(copy, name));
  }
  known = await knownNames(copy);
}, 60_000);

afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
});

/** The problems of `checked` once `change` is applied to `file`; the file is put back afterwards. */
async function problemsWith(file: string, change: (text: string) => string, checked = [file]): Promise<string[]> {
  const target = path.join(copy, file);
  const original = readFileSync(target, "utf8");
  writeFileSync(target, change(original));
  try {
    return await checkDocs(copy, { only: checked, known });
  } finally {
    writeFileSync(target, original);
  }
}

/** Appends a paragraph at the end of a file. */
const appending = (paragraph: string) => (text: string) => `${text}\n${paragraph}\n`;
/** The line number the appended paragraph starts at. */
const appendedLine = (file: string) => readFileSync(path.join(root, file), "utf8").split("\n").length + 1;

test("the docs as they are pass", async () => {
  expect(await checkDocs(copy, { only: ["README.md", "docs/api.md", "docs/testing.md"], known })).toEqual([]);
});

describe("a name that does not exist", () => {
  test("a method called on the ClerkSync, in inline code", async () => {
    const problems = await problemsWith(
      "docs/hooks.md",
      appending("Call `clerk.getUsersByOrg(ctx, orgId)` for a page."),
    );
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md")}: \`getUsersByOrg\` is named nowhere in the package (its declarations in dist/, its CLI), the apps the docs show, Clerk's payloads or the libraries the docs use`,
      `docs/hooks.md:${appendedLine("docs/hooks.md")}: \`clerk.getUsersByOrg\` : ClerkSync has no getUsersByOrg`,
    ]);
  });

  test("a method of another library called on the ClerkSync", async () => {
    const problems = await problemsWith("docs/hooks.md", appending("Then `clerk.paginate(ctx)` reads the rest."));
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md")}: \`clerk.paginate\` : ClerkSync has no paginate`,
    ]);
  });

  test("a method named in prose, without backticks", async () => {
    const problems = await problemsWith("docs/react.md", appending("The hook calls listActiveSessions first."));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^docs\/react\.md:\d+: `listActiveSessions` is named nowhere in the package/);
  });

  test("an option in a table", async () => {
    const problems = await problemsWith("docs/api.md", (text) =>
      text.replace("| `webhookSecret` |", "| `signingSecretFile` |"),
    );
    expect(problems.some((p) => /^docs\/api\.md:\d+: `signingSecretFile` is named nowhere/.test(p))).toBe(true);
  });

  test("an environment variable", async () => {
    const problems = await problemsWith("docs/security.md", appending("Set `CLERK_WEBHOOK_KEY` on the deployment."));
    expect(problems).toEqual([
      `docs/security.md:${appendedLine("docs/security.md")}: \`CLERK_WEBHOOK_KEY\` is no environment variable the package reads and no error code or reason it declares`,
    ]);
  });

  test("an environment variable in prose", async () => {
    const problems = await problemsWith("docs/security.md", appending("Set CLERK_SIGNING_KEY on the deployment."));
    expect(problems).toEqual([
      `docs/security.md:${appendedLine("docs/security.md")}: \`CLERK_SIGNING_KEY\` is no environment variable the package reads and no error code it declares`,
    ]);
  });

  test("an error code, and a reason", async () => {
    const problems = await problemsWith(
      "docs/write-through.md",
      appending('It throws `ConvexError({ code: "CLERK_TIMEOUT" })`; the failure reads `"bad_signature"`.'),
    );
    const line = appendedLine("docs/write-through.md");
    expect(problems).toEqual([
      `docs/write-through.md:${line}: \`CLERK_TIMEOUT\` is no error code, reason or environment variable the package declares or reads`,
      `docs/write-through.md:${line}: \`bad_signature\` is named nowhere in the package (its declarations in dist/, its CLI), the apps the docs show, Clerk's payloads or the libraries the docs use`,
    ]);
  });

  test("an event type", async () => {
    const problems = await problemsWith(
      "docs/organizations.md",
      appending("Subscribe to `organizationDomain.created` too."),
    );
    expect(problems).toEqual([
      `docs/organizations.md:${appendedLine("docs/organizations.md")}: \`organizationDomain.created\` is no event type the package handles, the CLI sends or Clerk's payloads show`,
    ]);
  });

  test("a CLI flag, a command's flag and a command", async () => {
    const line = appendedLine("docs/cli.md");
    expect(await problemsWith("docs/cli.md", appending("Pass `--clerk-key` for the Clerk checks."))).toEqual([
      `docs/cli.md:${line}: \`--clerk-key\` is no flag of the CLI (convex-clerk-sync send, doctor) nor of the repository's scripts`,
    ]);
    expect(
      await problemsWith("docs/cli.md", appending("Run `npx convex-clerk-sync send --url https://x --org org_1`.")),
    ).toEqual([`docs/cli.md:${line}: \`--org\` is no flag of convex-clerk-sync send`]);
    expect(
      await problemsWith("docs/cli.md", appending("```sh\nnpx convex-clerk-sync verify --url https://x\n```")),
    ).toEqual([
      `docs/cli.md:${line}: \`convex-clerk-sync verify\` : the CLI has no command verify (it has send, doctor)`,
    ]);
  });
});

test("an export the export list leaves out", async () => {
  const problems = await problemsWith("docs/api.md", (text) => text.replace("`mirrorUsers` with ", ""));
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(
    /^docs\/api\.md:\d+: `mirrorUsers` is exported by convex-clerk-sync but the list leaves it out$/,
  );
});

test("an entry point the export list has no item for", async () => {
  const problems = await problemsWith("docs/api.md", (text) =>
    text.replace(/^- `convex-clerk-sync\/react`.*\n(?: {2}.*\n)*/m, ""),
  );
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^docs\/api\.md:\d+: the export list has no item for convex-clerk-sync\/react$/);
});

test("an export of ./test the testing guide does not name", async () => {
  // docs/api.md's item for ./test points at the guide: the guide must name every export.
  const problems = await problemsWith(
    "docs/testing.md",
    (text) => text.replaceAll("`stubClerkApi()`", "it").replaceAll("`stubClerkApi`", "the stub"),
    ["docs/api.md"],
  );
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(
    /^docs\/api\.md:\d+: `stubClerkApi` is exported by convex-clerk-sync\/test but the list leaves it out$/,
  );
});

test("a figure written without markers", async () => {
  const line = appendedLine("docs/webhook.md");
  expect(await problemsWith("docs/webhook.md", appending("A delivery takes 4.2 ms and reads 3 index ranges."))).toEqual(
    [
      `docs/webhook.md:${line}: "4.2 ms" is a figure without a <!-- figure: … --> marker (figures come from bench/results.json; see scripts/docs/figures.mjs)`,
      `docs/webhook.md:${line}: "3 index ranges" is a figure without a <!-- figure: … --> marker (figures come from bench/results.json; see scripts/docs/figures.mjs)`,
    ],
  );
});

test("a figure written without markers, in a table", async () => {
  const line = appendedLine("docs/webhook.md");
  expect(
    await problemsWith(
      "docs/webhook.md",
      appending("| delivery | bundle  |\n| -------- | ------- |\n| one      | 14.5 KB |"),
    ),
  ).toEqual([
    `docs/webhook.md:${line + 2}: "14.5 KB" is a figure without a <!-- figure: … --> marker (figures come from bench/results.json; see scripts/docs/figures.mjs)`,
  ]);
});

describe("a code block that is not compiled", () => {
  const code = 'const user = await clerk.getUser(ctx, "user_1");';
  test.each([
    ["js", "```js\n" + code + "\n```"],
    ["jsx", "```jsx\n" + code + "\n```"],
    ["TS", "```TS\n" + code + "\n```"],
    ["mts", "```mts\n" + code + "\n```"],
    ["typescript", "```typescript\n" + code + "\n```"],
  ])("a %s block", async (lang, block) => {
    const problems = await problemsWith("docs/hooks.md", appending(block));
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md")}: a \`${lang}\` block is not compiled: the docs' code is TypeScript, labelled ts or tsx and named by <!-- file: … --> (label it text if it is not code)`,
    ]);
  });

  test("an unlabelled block", async () => {
    const problems = await problemsWith("docs/hooks.md", appending("```\n" + code + "\n```"));
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md")}: an unlabelled code block: label it (ts with <!-- file: … --> when it is code; text, sh, json… when not)`,
    ]);
  });

  test("a ts block without its source, in a blockquote", async () => {
    const problems = await problemsWith("docs/hooks.md", appending("> Note:\n>\n> ```ts\n> " + code + "\n> ```"));
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md") + 2}: a ts block without <!-- file: … --> naming its source`,
    ]);
  });

  test("an indented block", async () => {
    const problems = await problemsWith("docs/hooks.md", appending("    " + code));
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md")}: an indented code block: fence it, labelled with its language (ts with its source, or text…)`,
    ]);
  });

  test("a ts block whose source does not exist", async () => {
    const problems = await problemsWith(
      "docs/hooks.md",
      appending("<!-- file: example/convex/nothing.ts -->\n\n```ts\n" + code + "\n```"),
    );
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md") + 2}: example/convex/nothing.ts does not exist`,
    ]);
  });

  test("a ts block in a blockquote that differs from its source", async () => {
    const problems = await problemsWith(
      "docs/hooks.md",
      appending("> <!-- file: example/convex/http.ts -->\n>\n> ```ts\n> " + code + "\n> ```"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^docs\/hooks\.md: line \d+ differs from its source/);
  });
});

describe("a broken link", () => {
  test("a reference-style link to a file that does not exist", async () => {
    const problems = await problemsWith(
      "docs/hooks.md",
      appending("See [the guide][guide].\n\n[guide]: ./no-such-guide.md"),
    );
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md") + 2}: Cannot find file \`no-such-guide.md\` (missing-file)`,
    ]);
  });

  test("an inline link to a file that does not exist, written <…>", async () => {
    const problems = await problemsWith("docs/hooks.md", appending("See [the guide](<no such guide.md>)."));
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md")}: Cannot find file \`no such guide.md\` (missing-file)`,
    ]);
  });

  test("a link to a heading another file does not have", async () => {
    const problems = await problemsWith("docs/hooks.md", appending("See [the limits](webhook.md#no-such-heading)."));
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md")}: Cannot find heading for \`#no-such-heading\` in \`webhook.md\` (missing-heading-in-file)`,
    ]);
  });

  test("a reference-style link to a heading of the same file that does not exist", async () => {
    const problems = await problemsWith("docs/hooks.md", appending("See [above][up].\n\n[up]: #no-such-heading"));
    expect(problems).toEqual([
      `docs/hooks.md:${appendedLine("docs/hooks.md") + 2}: Cannot find heading for \`#no-such-heading\` (missing-heading)`,
    ]);
  });
});

test("a markdown file outside README.md and docs/, in a folder of its own", async () => {
  // Every .md file of the repository is checked, wherever it sits: lint runs checkDocs on all.
  const file = "guides/extra/notes.md";
  mkdirSync(path.join(copy, "guides/extra"), { recursive: true });
  writeFileSync(
    path.join(copy, file),
    "# Notes\n\nCall `clerk.getUsersByOrg(ctx, orgId)`; see [setup](../missing.md).\n",
  );
  try {
    const problems = await checkDocs(copy, { known });
    expect(problems).toEqual([
      `${file}:3: \`getUsersByOrg\` is named nowhere in the package (its declarations in dist/, its CLI), the apps the docs show, Clerk's payloads or the libraries the docs use`,
      `${file}:3: \`clerk.getUsersByOrg\` : ClerkSync has no getUsersByOrg`,
      `${file}:3: Cannot find file \`../missing.md\` (missing-file)`,
    ]);
  } finally {
    rmSync(path.join(copy, "guides"), { recursive: true, force: true });
  }
});
