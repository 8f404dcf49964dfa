// @vitest-environment node
// What the CLI prints of an endpoint's answer, and which secrets and URLs it takes.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test } from "vitest";
import { cli, SECRET, useEndpoint } from "./support/cliHarness";

const endpoint = useEndpoint();

describe("what an endpoint answers is printed escaped, bounded and without secrets", () => {
  /** An endpoint answering every delivery with `status` and `body`, as it likes. */
  async function hostile(status: number, body: string, type = "application/json") {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(status, { "content-type": type });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      return await cli(["send", "user.created", "--url", url, "--secret", SECRET]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  function expectOneLine(result: Awaited<ReturnType<typeof cli>>, max: number) {
    expect(result.stdout.endsWith("\n")).toBe(true);
    // eslint-disable-next-line no-control-regex -- control characters are what must not be printed
    expect(result.stdout.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]!.length).toBeLessThanOrEqual(max);
  }

  test("escape sequences and a fake ✓ line in the error and the outcome are written out on the answer's line", async () => {
    const fake = "\u001b[2K\r200 inserted  ✓ all good\nok\u001b]0;title\u0007";
    const result = await hostile(500, JSON.stringify({ outcome: "\u001b[1mno", error: fake }));
    expectOneLine(result, 500);
    expect(result.lines[0]).toMatch(
      /^500 \\u001b\[1mno +\d+ ms {2}user\.created user_\w+ {2}\(\\u001b\[2K\\u000d200 inserted {2}✓ all good\\u000aok\\u001b\]0;title\\u0007\)$/,
    );
    expect(result.code).toBe(1);
  });

  test("a 2 MB body is printed as its first 300 characters, whitespace collapsed", async () => {
    const body = `<html>\n${"\u001b[31mA\r\n".repeat(300_000)}</html>`;
    expect(body.length).toBeGreaterThan(2_000_000);
    const result = await hostile(502, body, "text/html");
    expectOneLine(result, 400);
    const note = /\((.*)\)$/.exec(result.lines[0]!)?.[1];
    expect(note).toHaveLength(300);
    expect(note).toMatch(/^<html> (\\u001b\[31mA )+/);
    expect(note?.endsWith("…")).toBe(true);
  });

  test("an echoed secret key, Authorization header or signing secret is cut out", async () => {
    const echo = `Authorization: Bearer abc.def; key sk_live_${"x".repeat(40)}; secret ${SECRET}`;
    const result = await hostile(401, JSON.stringify({ error: echo }));
    expectOneLine(result, 500);
    expect(result.lines[0]).toMatch(/\(Authorization: \[redacted\]; key sk_live_\[redacted\] secret \[redacted\]\)$/);
    for (const piece of ["abc.def", "xxxx", SECRET.slice("whsec_".length)]) expect(result.stdout).not.toContain(piece);
  });
});

describe("--url with a user name or password", () => {
  test.each(["https://ada:hunter2@x.convex.site", "http://ada@127.0.0.1:1/", "ftp://ada:hunter2@x", "ada:hunter2@x"])(
    "%j is refused without echoing it, and nothing is sent",
    async (url) => {
      const result = await cli(["send", "user.created", "--url", url, "--secret", SECRET]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(
        "error: --url holds a user name or password (…@): give the URL without them; it is not printed\n",
      );
    },
  );
});

describe("--secret defaults to CLERK_WEBHOOK_SIGNING_SECRET, then CLERK_WEBHOOK_SECRET", () => {
  test("CLERK_WEBHOOK_SIGNING_SECRET is read first; CLERK_WEBHOOK_SECRET when it is unset or blank", async () => {
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = SECRET;
    process.env.CLERK_WEBHOOK_SECRET = "nope";
    expect((await cli(["send", "user.created", "--url", endpoint().url])).code).toBe(0);

    process.env.CLERK_WEBHOOK_SIGNING_SECRET = "  ";
    process.env.CLERK_WEBHOOK_SECRET = SECRET;
    expect((await cli(["send", "user.created", "--url", endpoint().url])).code).toBe(0);
    expect(endpoint().received).toHaveLength(2);
  });

  test("several, spaced: each signs the delivery, so an endpoint holding any one verifies it", async () => {
    const other = `whsec_${Buffer.from("another secret, 24 bytes").toString("base64")}`;
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = `${other}  ${SECRET}`;
    const result = await cli(["send", "user.created", "--url", endpoint().url]);
    expect(result.code).toBe(0);
    expect(endpoint().received).toHaveLength(1);
    expect(String(endpoint().received[0]!.headers["svix-signature"]).split(" ")).toHaveLength(2);
  });

  test("a malformed one is named by its place and not echoed; a non-Latin-1 one too", async () => {
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = `${SECRET} whsec_k\u00e9y`;
    const result = await cli(["send", "user.created", "--url", endpoint().url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "error: CLERK_WEBHOOK_SIGNING_SECRET, secret 2 of 2 is not a signing secret: expected whsec_ followed by " +
        "base64, as the Clerk dashboard shows it\n",
    );
    expect(endpoint().received).toHaveLength(0);
  });
});
