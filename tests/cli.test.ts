// @vitest-environment node
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { EVENT_TYPES } from "../src/cli/events";
import { vClerkEvent } from "../src/component/deliveries";
import { embeddedExample, serveOverHttp } from "../example/embedded";
import { cli, Endpoint, SECRET, useEndpoint } from "./support/cliHarness";

const USER_ID = /^user_[A-Za-z0-9]{27}$/;

const endpoint = useEndpoint();

function send(...args: string[]) {
  return cli(["send", ...args, "--url", endpoint().url, "--secret", SECRET]);
}

describe("send", () => {
  test("user.created arrives signed, with the given fields, and the answer is printed", async () => {
    const before = Date.now();
    const result = await send(
      "user.created",
      "--email",
      "ada@example.org",
      "--first-name",
      "Ada",
      "--last-name",
      "Lovelace",
      "--username",
      "ada",
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(endpoint().received).toHaveLength(1);

    const [{ payload, headers }] = endpoint().received;
    expect(headers["svix-id"]).toMatch(/^msg_/);
    expect(payload).toMatchObject({ type: "user.created", object: "event" });
    const user = payload.data;
    expect(user.id).toMatch(USER_ID);
    expect(user).toMatchObject({ first_name: "Ada", last_name: "Lovelace", username: "ada" });
    expect(user.email_addresses).toEqual([expect.objectContaining({ email_address: "ada@example.org" })]);
    expect(user.primary_email_address_id).toBe(user.email_addresses[0].id);
    expect(user.updated_at).toBeGreaterThanOrEqual(before);

    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(new RegExp(`^200 inserted +\\d+ ms  user\\.created ${user.id}$`));
  });

  test("user.updated for --id is newer than now-ish; user.deleted sends only the id", async () => {
    const before = Date.now();
    expect((await send("user.updated", "--id", "user_abc", "--first-name", "Grace")).code).toBe(0);
    expect((await send("user.deleted", "--id", "user_abc")).code).toBe(0);

    const [updated, deleted] = endpoint().received.map((r) => r.payload);
    expect(updated.type).toBe("user.updated");
    expect(updated.data).toMatchObject({ id: "user_abc", first_name: "Grace" });
    expect(updated.data.updated_at).toBeGreaterThanOrEqual(before);
    expect(deleted).toMatchObject({ type: "user.deleted", data: { id: "user_abc", object: "user", deleted: true } });
    expect(Object.keys(deleted.data).sort()).toEqual(["deleted", "id", "object"]);
  });

  test("--count 5 sends 5 distinct users in 5 distinct deliveries", async () => {
    const result = await send("user.created", "--count", "5", "--first-name", "Bulk");
    expect(result.code).toBe(0);
    expect(endpoint().received).toHaveLength(5);
    const ids = endpoint().received.map((r) => r.payload.data.id);
    expect(new Set(ids).size).toBe(5);
    expect(new Set(endpoint().received.map((r) => r.headers["svix-id"])).size).toBe(5);
    expect(endpoint().received.every((r) => r.payload.data.first_name === "Bulk")).toBe(true);
    // One line per answer, in order, then the tally.
    expect(result.lines.slice(0, 5).map((line) => line.split(" ").at(-1))).toEqual(ids);
    expect(result.lines[5]).toBe("5 sent: 5 2xx, 0 not");
  });

  test("--count N of user.deleted deletes N fresh ids; --id with --count > 1 is refused", async () => {
    expect((await send("user.deleted", "--count", "3")).code).toBe(0);
    const ids = endpoint().received.map((r) => r.payload.data.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => USER_ID.test(id))).toBe(true);

    const refused = await send("user.deleted", "--count", "2", "--id", "user_abc");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^error: --id names one object.*\n$/);
    expect(endpoint().received).toHaveLength(3);
  });

  test("on a terminal, --count draws a progress bar and still prints every answer", async () => {
    const result = await cli(["send", "user.created", "--count", "3", "--url", endpoint().url, "--secret", SECRET], {
      isTTY: true,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("3/3");
    expect(result.stdout).toMatch(/=+ 3\/3/);
    expect(result.stdout.match(/200 inserted +\d+ ms {2}user\.created user_/g)).toHaveLength(3);
    expect(endpoint().received).toHaveLength(3);
  });

  test("without a terminal there is no progress bar", async () => {
    const result = await send("user.created", "--count", "2");
    expect(result.stdout).not.toContain("2/2");
    expect(result.stdout).not.toContain("\x1b");
  });

  test("--file sends the saved payload byte for byte", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clerk-cli-"));
    const path = join(dir, "event.json");
    const saved = await readFile(new URL("./fixtures/openapi-user.created.json", import.meta.url), "utf8");
    await writeFile(path, saved);

    const result = await send("--file", path);
    expect(result.code).toBe(0);
    expect(endpoint().received).toHaveLength(1);
    expect(endpoint().received[0].body).toBe(saved);
    expect(result.lines[0]).toMatch(/^200 inserted +\d+ ms {2}user\.created user_2g7np7Hrk0SN6kj5EDMLDaKNL0S$/);
  });

  test("--file that does not exist is a one-line error", async () => {
    const result = await send("--file", "/nonexistent/event.json");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^error: cannot read --file: ENOENT[^\n]*\n$/);
  });

  test("--url without a path posts to /clerk-users-webhook, as doctor reads it; a path is kept", async () => {
    expect((await cli(["send", "user.created", "--url", endpoint().origin, "--secret", SECRET])).code).toBe(0);
    expect((await cli(["send", "user.created", "--url", `${endpoint().origin}/`, "--secret", SECRET])).code).toBe(0);
    expect((await cli(["send", "user.created", "--url", `${endpoint().origin}/clerk`, "--secret", SECRET])).code).toBe(
      0,
    );
    expect(endpoint().received.map((r) => r.path)).toEqual(["/clerk-users-webhook", "/clerk-users-webhook", "/clerk"]);
  });

  test("organization, membership, role and billing events carry the given fields", async () => {
    const args = [
      ["organization.updated", "--id", "org_a", "--name", "Acme", "--slug", "acme"],
      ["organizationMembership.created", "--org-id", "org_a", "--user-id", "user_b", "--role", "org:admin"],
      ["role.created", "--key", "org:editor", "--permissions", "org:posts:read,org:posts:write"],
      ["permission.deleted", "--id", "perm_c"],
      ["subscriptionItem.canceled", "--payer-org", "org_a", "--plan", "team", "--status", "canceled"],
      ["subscription.pastDue", "--payer-user", "user_b", "--plan", "pro", "--status", "past_due"],
    ];
    for (const flags of args) expect((await send(...flags)).code).toBe(0);
    const [organization, membership, role, permission, item, subscription] = endpoint().received.map((r) => r.payload);
    expect(organization).toMatchObject({
      type: "organization.updated",
      data: { id: "org_a", name: "Acme", slug: "acme" },
    });
    expect(membership.data).toMatchObject({
      organization: { id: "org_a" },
      public_user_data: { user_id: "user_b" },
      role: "org:admin",
    });
    expect(role.data.key).toBe("org:editor");
    expect(role.data.permissions.map((p: { key: string }) => p.key)).toEqual(["org:posts:read", "org:posts:write"]);
    expect(permission).toMatchObject({ type: "permission.deleted", data: { id: "perm_c", deleted: true } });
    expect(item).toMatchObject({
      type: "subscriptionItem.canceled",
      data: { status: "canceled", plan: { slug: "team" }, payer: { organization_id: "org_a" } },
    });
    expect(subscription).toMatchObject({
      type: "subscription.pastDue",
      data: { status: "past_due", payer: { user_id: "user_b" }, items: [{ plan: { slug: "pro" } }] },
    });
  });

  test("--secret defaults to CLERK_WEBHOOK_SECRET", async () => {
    process.env.CLERK_WEBHOOK_SECRET = SECRET;
    const result = await cli(["send", "user.created", "--url", endpoint().url]);
    expect(result.code).toBe(0);
    expect(endpoint().received).toHaveLength(1);
  });
});

describe("answers that are not 2xx", () => {
  test("a 500 gives a non-zero exit code and the status and error are printed", async () => {
    endpoint().reply = () => ({ status: 500, body: { error: "delivery could not be applied; it will be retried" } });
    const result = await send("user.created");
    expect(result.code).not.toBe(0);
    expect(result.lines[0]).toMatch(
      /^500 error +\d+ ms {2}user\.created user_\w+ {2}\(delivery could not be applied; it will be retried\)$/,
    );
  });

  test("a delivery signed with another secret is answered 401, which fails the run", async () => {
    const other = `whsec_${Buffer.from("another secret, 24 bytes").toString("base64")}`;
    const result = await cli(["send", "user.created", "--url", endpoint().url, "--secret", other]);
    expect(result.code).not.toBe(0);
    expect(result.lines[0]).toMatch(/^401 error .*\(invalid webhook signature: /);
    expect(endpoint().received).toHaveLength(0);
  });

  test("one failure among several: every delivery is still sent, and the run fails", async () => {
    endpoint().reply = (_payload, index) =>
      index === 1 ? { status: 500, body: { error: "boom" } } : { status: 200, body: { outcome: "inserted" } };
    const result = await send("user.created", "--count", "3");
    expect(result.code).not.toBe(0);
    expect(endpoint().received).toHaveLength(3);
    expect(result.lines.map((line) => line.slice(0, 3))).toEqual(["200", "500", "200", "3 s"]);
    expect(result.lines[3]).toBe("3 sent: 2 2xx, 1 not");
  });
});

describe("mistakes are one-line errors and send nothing", () => {
  function expectOneLineError(result: Awaited<ReturnType<typeof cli>>, pattern: RegExp) {
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr.endsWith("\n")).toBe(true);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
  }

  test("a URL that is not one", async () => {
    const result = await cli(["send", "user.created", "--url", "not a url", "--secret", SECRET]);
    expectOneLineError(result, /^error: --url "not a url" is not an http\(s\) URL/);
  });

  test("an unreachable host", async () => {
    const closed = await new Endpoint().start();
    const url = closed.url;
    await closed.stop();
    const result = await cli(["send", "user.created", "--url", url, "--secret", SECRET]);
    expectOneLineError(result, /^error: cannot reach 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  test.each(["nope", "whsec_!!!", "whsec_", "whsec_abc"])("the secret %j", async (secret) => {
    const result = await cli(["send", "user.created", "--url", endpoint().url, "--secret", secret]);
    expectOneLineError(result, /^error: --secret is not a signing secret: expected whsec_ followed by base64/);
    // The value is not echoed: it may be a real secret pasted in the wrong place.
    expect(result.stderr.replace("expected whsec_ followed", "")).not.toContain(secret);
    expect(endpoint().received).toHaveLength(0);
  });

  test("a bad CLERK_WEBHOOK_SECRET is named as such", async () => {
    process.env.CLERK_WEBHOOK_SECRET = "nope";
    const result = await cli(["send", "user.created", "--url", endpoint().url]);
    expectOneLineError(result, /^error: CLERK_WEBHOOK_SECRET is not a signing secret/);
  });

  test("no secret at all", async () => {
    const result = await cli(["send", "user.created", "--url", endpoint().url]);
    expectOneLineError(
      result,
      /^error: no signing secret: pass --secret whsec_… or set CLERK_WEBHOOK_SIGNING_SECRET or CLERK_WEBHOOK_SECRET$/m,
    );
  });

  test("no event, an unknown event, or fields the event does not carry", async () => {
    expectOneLineError(await send(), /^error: say which event to send/);
    expectOneLineError(await send("user.banned"), /^error: .*'user\.banned' is invalid/);
    expectOneLineError(
      await send("user.deleted", "--email", "a@b.c"),
      /^error: user\.deleted does not take --email: it takes no field flags$/m,
    );
    expectOneLineError(
      await send("role.created", "--email", "a@b.c", "--plan", "pro"),
      /^error: role\.created does not take --email, --plan: it takes --key, --name, --permissions$/m,
    );
    expectOneLineError(
      await send("subscription.created", "--payer-user", "user_a", "--payer-org", "org_b"),
      /^error: option '--payer-user <user_…>' cannot be used with option '--payer-org <org_…>'/,
    );
    expectOneLineError(
      await send("--file", "x.json", "--email", "a@b.c"),
      /^error: option '--file <path>' cannot be used with option '--email/,
    );
    expectOneLineError(
      await send("user.created", "--count", "0"),
      /^error: option '--count <n>' argument '0' is invalid/,
    );
    expect(endpoint().received).toHaveLength(0);
  });

  test("--help prints the usage to stdout and exits 0", async () => {
    const result = await cli(["send", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: convex-clerk-sync send [options] [event]");
    expect(result.stdout).toContain("--count N sends N distinct");
  });
});

test("the entry point runs end to end and sets the exit code", { timeout: 30_000 }, async () => {
  const entry = async (args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        "npx",
        ["tsx", "src/cli/index.ts", "send", ...args],
        { env: { ...process.env, CLERK_WEBHOOK_SECRET: SECRET } },
        (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }),
      );
    });

  const ok = await entry(["user.created", "--url", endpoint().url, "--email", "e2e@example.org"]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/^200 inserted +\d+ ms {2}user\.created user_\w+\n$/);
  expect(endpoint().received[0].payload.data.email_addresses[0].email_address).toBe("e2e@example.org");

  endpoint().reply = () => ({ status: 500, body: { error: "down" } });
  const failed = await entry(["user.deleted", "--url", endpoint().url]);
  expect(failed.code).toBe(1);
  expect(failed.stdout).toMatch(/^500 error/);
});

describe("send builds every event the endpoint applies", () => {
  /** The event types of the component's delivery validator: what the endpoint applies, not ignores. */
  function appliedTypes(validator: unknown): string[] {
    const node = validator as { kind: string; value?: unknown; members?: unknown[]; fields?: Record<string, unknown> };
    if (node.kind === "literal") return [String(node.value)];
    if (node.kind === "union") return node.members!.flatMap(appliedTypes);
    if (node.kind === "object") return appliedTypes(node.fields!["type"]);
    return [];
  }

  test("each event type, sent to the example app's bare origin, is applied", { timeout: 60_000 }, async () => {
    expect([...EVENT_TYPES].sort()).toEqual(appliedTypes(vClerkEvent).sort());
    const app = await serveOverHttp(await embeddedExample());
    process.env.CLERK_WEBHOOK_SECRET = SECRET;
    try {
      for (const type of EVENT_TYPES) {
        const result = await cli(["send", type, "--url", app.origin]);
        expect([type, result.code, result.lines[0]?.split(/ +/).slice(0, 2)]).toEqual([
          type,
          0,
          ["200", type.endsWith(".deleted") ? expect.stringMatching(/^(tombstoned|deleted)$/) : "inserted"],
        ]);
      }
    } finally {
      await app.close();
    }
  });
});
