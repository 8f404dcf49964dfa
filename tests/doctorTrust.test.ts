// @vitest-environment node
// `convex-clerk-sync doctor` against answers that are not what they claim, and flags it must not echo.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test } from "vitest";
import { clerkApi, doctor, flags, OTHER_SECRET, SECRET, useDoctorDeployment } from "./support/doctorHarness";

useDoctorDeployment();

/** A server answering every request with `answer(request)`: a deployment, Clerk or issuer that is not what it claims. */
async function hostile(answer: (req: IncomingMessage) => { status: number; body: string }) {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const { status, body } = answer(req);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Every line a check printed is its own: a mark first, no control character anywhere, at most `max` characters. */
function expectOwnLines(result: Awaited<ReturnType<typeof doctor>>, max = 2_000) {
  // eslint-disable-next-line no-control-regex -- control characters are what must not be printed
  expect(result.stdout.replace(/\n/g, "")).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(result.lines).toHaveLength(8);
  expect(result.marks.every((mark) => ["✓", "✗", "-"].includes(mark!))).toBe(true);
  for (const line of result.lines) expect(line.length).toBeLessThanOrEqual(max);
}

describe("what a remote answer chose is printed escaped, bounded and without secrets", () => {
  const FAKE = "\u001b[2K\r✓ signing secret matches: fine\n✓ Clerk secret key: fine\u001b]0;title\u0007";

  test("an endpoint's error with escape sequences and fake ✓ lines stays on its ✗ line, written out", async () => {
    const deployment = await hostile(() => ({ status: 404, body: JSON.stringify({ error: FAKE }) }));
    try {
      const result = await doctor(flags({ "--url": deployment.origin }));
      expectOwnLines(result);
      expect(result.marks).toEqual(["✗", "-", "-", "✓", "✓", "✓", "-"]);
      expect(result.lines[0]).toContain(
        String.raw`answered 404 (\u001b[2K\u000d✓ signing secret matches: fine\u000a✓ Clerk secret key: fine\u001b]0;title\u0007)`,
      );
      expect(result.code).toBe(1);
    } finally {
      await deployment.close();
    }
  });

  test("a 2 MB body is read no further than 1 MiB and printed as its first 300 characters", async () => {
    const body = `<html>${"\u001b[31mA".repeat(400_000)}</html>`;
    expect(body.length).toBeGreaterThan(2_000_000);
    const deployment = await hostile(() => ({ status: 502, body }));
    try {
      const result = await doctor(flags({ "--url": deployment.origin }));
      expectOwnLines(result, 700);
      const note = /answered 502 \((.*)\), which is not/.exec(result.lines[0]!)?.[1];
      expect(note).toHaveLength(300);
      expect(note).toMatch(/^<html>(\\u001b\[31mA)+/);
      expect(note?.endsWith("…")).toBe(true);
    } finally {
      await deployment.close();
    }
  });

  test("a fake sync health: its verdict and reasons escaped, cut to 1,000 characters together", async () => {
    const reasons = Array.from({ length: 5_000 }, () => ({ rule: "failedDeliveries", message: FAKE }));
    const health = { verdict: "degraded\u001b[32m", reasons, lastDeliveryAt: null };
    const deployment = await hostile((req) =>
      req.headers["svix-signature"]
        ? { status: 200, body: JSON.stringify({ outcome: "ignored", health }) }
        : { status: 400, body: JSON.stringify({ error: "missing svix-id, svix-timestamp or svix-signature" }) },
    );
    try {
      const result = await doctor(flags({ "--url": deployment.origin }));
      expectOwnLines(result);
      expect(result.lines[6]).toMatch(/^✗ sync health: degraded\\u001b\[32m: \\u001b\[2K\\u000d✓ signing secret/);
      expect(result.code).toBe(1);
    } finally {
      await deployment.close();
    }
  });

  test("Clerk's answer quoting the key, and the Authorization header, prints neither", async () => {
    const key = "sk_test_echoed'Key\"Tail";
    const clerk = await hostile((req) => ({
      status: 422,
      body: JSON.stringify({
        errors: [
          {
            code: "form_param_invalid\u001b[2K",
            message: "invalid",
            long_message: `${key} is not valid\r\n✓ Clerk webhooks: fine; Authorization: ${req.headers.authorization}`,
          },
        ],
      }),
    }));
    try {
      const result = await doctor(flags({ "--clerk-secret-key": key, "--clerk-api-url": clerk.origin }));
      expectOwnLines(result);
      expect(result.lines[3]).toMatch(/^✗ Clerk secret key: 127\.0\.0\.1:\d+ answered 422 form_param_invalid\\u001b/);
      expect(result.lines[3]).toContain("[redacted]");
      for (const piece of ["echoed", "Key", "Tail"]) expect(result.stdout).not.toContain(piece);
      expect(result.code).toBe(1);
    } finally {
      await clerk.close();
    }
  });

  test("an issuer naming another with escape sequences", async () => {
    const issuer = await hostile(() => ({ status: 200, body: JSON.stringify({ issuer: `https://x.dev${FAKE}` }) }));
    try {
      const result = await doctor(flags({ "--issuer": issuer.origin }));
      expectOwnLines(result);
      expect(result.lines[5]).toContain(String.raw`names the issuer https://x.dev\u001b[2K\u000d✓ signing secret`);
    } finally {
      await issuer.close();
    }
  });
});

describe("a flag that must not be echoed or sent", () => {
  test.each(["--url", "--issuer", "--clerk-api-url"])(
    "%s with a user name and password is refused unechoed",
    async (flag) => {
      for (const url of ["https://ada:hunter2@x.convex.site", "ftp://ada:hunter2@x", "ada:hunter2@x.convex.site"]) {
        const result = await doctor(flags({ [flag]: url }));
        expect(result.code).toBe(1);
        expect(result.stdout).toBe("");
        expect(result.stderr).toBe(
          `error: ${flag} holds a user name or password (…@): give the URL without them; it is not printed\n`,
        );
      }
      expect(clerkApi.requests).toEqual([]);
    },
  );

  test.each(["sk_test_k\u00e9y", "sk_test_\u4e2d\u6587", "sk_test_abc\ndefTail", "sk_live_abc defTail"])(
    "the malformed key %j: one ✗ line, exit 1, no stack trace, nothing sent",
    async (key) => {
      const result = await doctor(flags({ "--clerk-secret-key": key }));
      expect(result.stderr).toBe("");
      expect(result.lines[3]).toBe(
        "✗ Clerk secret key: it holds a space, a line break or a character outside ASCII, which no Clerk secret key " +
          "has. Fix: copy the Secret key from the Clerk dashboard (Configure → API keys) of the instance that sends " +
          "the webhooks",
      );
      expect(result.lines[4]).toBe("- Clerk webhooks: skipped (needs a working Clerk secret key)");
      expect(result.stdout).not.toContain(key.slice("sk_test_".length));
      expect(clerkApi.requests.filter((r) => r.path.startsWith("/v1/"))).toEqual([]);
      expect(result.code).toBe(1);
    },
  );
});

describe("--secret defaults to CLERK_WEBHOOK_SIGNING_SECRET, then CLERK_WEBHOOK_SECRET", () => {
  test("CLERK_WEBHOOK_SIGNING_SECRET is read first", async () => {
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = SECRET;
    process.env.CLERK_WEBHOOK_SECRET = OTHER_SECRET;
    const result = await doctor(withoutSecret());
    expect(result.lines[2]).toBe(
      "✓ signing secret matches: a delivery signed with it was verified by secret 1 of 1 on the deployment " +
        "(and ignored: nothing was written)",
    );
    expect(result.code).toBe(0);
  });

  test("several, spaced: one delivery and one line for each, saying which of the deployment's verified it", async () => {
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = ` ${OTHER_SECRET}  ${SECRET} `;
    const result = await doctor(withoutSecret());
    expect(result.lines).toHaveLength(9);
    for (const n of [1, 2]) {
      expect(result.lines[1 + n]).toBe(
        `✓ signing secret matches: secret ${n} of 2 given: a delivery signed with it was verified by secret ${n} ` +
          "of 2 on the deployment (and ignored: nothing was written); 2 secrets are set, as while a rotation's " +
          "endpoints both exist: once the old endpoint is deleted in Clerk, remove its secret",
      );
    }
    expect(result.lines.at(-1)).toBe("all 8 checks passed");
  });

  test("a malformed one is named by its place, and not echoed", async () => {
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = `${SECRET} whsec_!!notBase64`;
    const result = await doctor(withoutSecret());
    expect(result.stderr).toBe(
      "error: CLERK_WEBHOOK_SIGNING_SECRET, secret 2 of 2 is not a signing secret: expected whsec_ followed by " +
        "base64, as the Clerk dashboard shows it\n",
    );
    expect(result.stdout).toBe("");
    expect(result.code).toBe(1);
  });
});

function chunk(list: string[]): [string, string][] {
  return Array.from({ length: list.length / 2 }, (_, i) => [list[2 * i]!, list[2 * i + 1]!]);
}

/** Every flag but --secret. */
function withoutSecret() {
  return chunk(flags())
    .filter(([flag]) => flag !== "--secret")
    .flat();
}
