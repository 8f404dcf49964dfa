// @vitest-environment node
// `convex-clerk-sync doctor` against the demo's server (the example app on convex-test behind a
// real HTTP server on 127.0.0.1) and the local stand-in for Clerk's Backend and Frontend API.
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test } from "vitest";
import { userCreated } from "convex-clerk-sync/test";
import { signDelivery } from "../src/events/sign";
import { componentSchema, exampleSchema } from "../example/embedded";
import {
  app,
  clerkApi,
  doctor,
  ENV_VARS,
  flags,
  KEY,
  OTHER_SECRET,
  SECRET,
  t,
  useDoctorDeployment,
} from "./support/doctorHarness";
import { inComponent, logs } from "./setup";

useDoctorDeployment();

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The number of documents in every table of the app and the component, and scheduled functions. */
async function documentCounts() {
  const count = (ctx: any, tables: object) =>
    Promise.all(Object.keys(tables).map(async (table) => [table, (await ctx.db.query(table).collect()).length]));
  const runner = t as unknown as { runInComponent<T>(path: string, fn: (ctx: any) => Promise<T>): Promise<T> };
  const component = await runner.runInComponent("clerk", (ctx) => count(ctx, componentSchema.tables));
  const host = await t.run(async (ctx) => [
    ...(await count(ctx, exampleSchema.tables)),
    ["_scheduled_functions", (await ctx.db.system.query("_scheduled_functions").collect()).length],
  ]);
  return Object.fromEntries([...component.map(([k, v]) => [`clerk.${k}`, v]), ...host]);
}

describe("every check passes", () => {
  test("all flags right: seven ✓ lines, exit 0, and nothing written", async () => {
    const before = await documentCounts();
    const result = await doctor(flags());
    const webhook = `${app.origin}/clerk-users-webhook`;
    expect(result.lines).toEqual([
      `✓ webhook route: POST ${webhook} is served by convex-clerk-sync`,
      "✓ signing secret set: the deployment has a signing secret",
      "✓ signing secret matches: a delivery signed with it was verified by secret 1 of 1 on the deployment " +
        "(and ignored: nothing was written)",
      `✓ Clerk secret key: ${new URL(clerkApi.url).host} accepted it`,
      "✓ Clerk webhooks: webhooks are enabled on the instance",
      `✓ issuer: ${clerkApi.url} serves its OpenID configuration`,
      "✓ sync health: ok: nothing missed that the rules can see (last delivery applied: none on record)",
      "all 7 checks passed",
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");

    // The signed probe is acknowledged and ignored: no row, no dedupe record, nothing scheduled.
    expect(logs).toContainEqual(expect.stringMatching(/^\[clerk-sync\] ignored msg_\w+ convex-clerk-sync\.doctor: /));
    expect(await documentCounts()).toEqual(before);
    // The comparison sees a real delivery's writes.
    const { body, headers } = signDelivery(userCreated(), SECRET);
    expect((await fetch(`${webhook}`, { method: "POST", body, headers })).status).toBe(200);
    expect(await documentCounts()).not.toEqual(before);

    expect(clerkApi.requests).toEqual([
      { method: "POST", path: "/v1/webhooks/svix_url", authorization: `Bearer ${KEY}` },
      { method: "GET", path: "/.well-known/openid-configuration", authorization: undefined },
    ]);
  });

  test("during a rotation, which of the deployment's two secrets matched, and nothing of either printed", async () => {
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = `${OTHER_SECRET} ${SECRET}`;
    for (const [secret, matched] of [
      [OTHER_SECRET, 1],
      [SECRET, 2],
    ] as const) {
      const result = await doctor(flags({ "--secret": secret }));
      expect(result.lines[2]).toBe(
        `✓ signing secret matches: a delivery signed with it was verified by secret ${matched} of 2 on the ` +
          "deployment (and ignored: nothing was written); 2 secrets are set, as while a rotation's endpoints both " +
          "exist: once the old endpoint is deleted in Clerk, remove its secret",
      );
      expect(result.code).toBe(0);
      for (const value of [SECRET, OTHER_SECRET]) expect(result.stdout).not.toContain(value.slice("whsec_".length));
    }
  });

  test("the flags' environment variables stand in for them", async () => {
    process.env.CLERK_SECRET_KEY = KEY;
    process.env.CLERK_API_URL = clerkApi.url;
    process.env.CLERK_FRONTEND_API_URL = clerkApi.url;
    const result = await doctor(["--url", `${app.origin}/clerk-users-webhook`]);
    expect(result.marks).toEqual(["✓", "✓", "✓", "✓", "✓", "✓", "✓"]);
    expect(result.code).toBe(0);

    delete process.env.CLERK_FRONTEND_API_URL;
    process.env.CLERK_JWT_ISSUER_DOMAIN = clerkApi.url;
    expect((await doctor(["--url", app.origin])).lines[5]).toBe(
      `✓ issuer: ${clerkApi.url} serves its OpenID configuration`,
    );
  });

  test(
    "checks without their flag are skipped, say which flag runs them, and do not fail the run",
    { timeout: 30_000 },
    async () => {
      const env = { ...process.env };
      for (const name of ENV_VARS) delete env[name];
      const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile("npx", ["tsx", "src/cli/index.ts", "doctor", "--url", app.origin], { env }, (error, stdout) =>
          resolve({ code: error ? Number(error.code) : 0, stdout }),
        );
      });
      expect(result.stdout.split("\n").filter(Boolean)).toEqual([
        `✓ webhook route: POST ${app.origin}/clerk-users-webhook is served by convex-clerk-sync`,
        "✓ signing secret set: the deployment has a signing secret",
        "- signing secret matches: skipped (pass --secret whsec_… or set CLERK_WEBHOOK_SIGNING_SECRET)",
        "- Clerk secret key: skipped (pass --clerk-secret-key sk_… or set CLERK_SECRET_KEY)",
        "- Clerk webhooks: skipped (pass --clerk-secret-key sk_… or set CLERK_SECRET_KEY)",
        "- issuer: skipped (pass --issuer https://… or set CLERK_FRONTEND_API_URL)",
        "- sync health: skipped (pass --secret whsec_… or set CLERK_WEBHOOK_SIGNING_SECRET; or read it with npx convex run " +
          "syncStatus:health (a query returning clerk.getSyncHealth(ctx), as in the example app))",
        "all 2 checks passed, 5 skipped",
      ]);
      expect(result.code).toBe(0);
    },
  );
});

describe("each failure is a ✗ line with its fix, and exit 1", () => {
  test("a wrong path: the route check fails, and the checks that need the route are skipped", async () => {
    const result = await doctor(flags({ "--url": `${app.origin}/clerk-webhook` }));
    expect(result.marks).toEqual(["✗", "-", "-", "✓", "✓", "✓", "-"]);
    expect(result.lines[0]).toBe(
      `✗ webhook route: POST ${app.origin}/clerk-webhook answered 404 (No HttpAction routed for /clerk-webhook). ` +
        "Fix: mount the endpoint with registerClerkRoutes(http, …) in convex/http.ts and deploy, and check that " +
        "--url is the deployment's HTTP Actions URL (https://<name>.convex.site) with the route's path",
    );
    expect(result.lines[1]).toBe("- signing secret set: skipped (needs the webhook route)");
    expect(result.lines[2]).toBe("- signing secret matches: skipped (needs the webhook route)");
    expect(result.lines[6]).toMatch(/^- sync health: skipped \(needs a verified signed delivery; or read it with /);
    expect(result.lines.at(-1)).toBe("1 of 4 checks failed, 3 skipped");
    expect(result.code).toBe(1);
  });

  test("an unreachable deployment", async () => {
    const result = await doctor(flags({ "--url": `http://127.0.0.1:${await closedPort()}` }));
    expect(result.marks).toEqual(["✗", "-", "-", "✓", "✓", "✓", "-"]);
    expect(result.lines[0]).toMatch(
      /^✗ webhook route: cannot reach 127\.0\.0\.1:\d+: .*ECONNREFUSED.* Fix: check --url/,
    );
    expect(result.code).toBe(1);
  });

  test("no signing secret on the deployment", async () => {
    delete process.env.CLERK_WEBHOOK_SECRET;
    const result = await doctor(flags());
    expect(result.marks).toEqual(["✓", "✗", "-", "✓", "✓", "✓", "-"]);
    expect(result.lines[1]).toBe(
      "✗ signing secret set: the deployment has none: it answered 500 (webhook signing secret is not configured " +
        "(CLERK_WEBHOOK_SIGNING_SECRET or CLERK_WEBHOOK_SECRET)). Fix: npx convex env set CLERK_WEBHOOK_SIGNING_SECRET " +
        "whsec_… (on the deployment, " +
        "not in .env.local; add --prod for production)",
    );
    expect(result.lines[2]).toBe("- signing secret matches: skipped (needs a signing secret on the deployment)");
    expect(result.code).toBe(1);
  });

  test("a malformed signing secret on the deployment", async () => {
    process.env.CLERK_WEBHOOK_SECRET = "sk_test_pasted_in_the_wrong_place";
    const result = await doctor(flags());
    expect(result.marks).toEqual(["✓", "✗", "-", "✓", "✓", "✓", "-"]);
    expect(result.lines[1]).toMatch(
      /^✗ signing secret set: the deployment's signing secret is not whsec_ \+ base64: .* Fix: set it to/,
    );
    expect(result.stdout).not.toContain("sk_test_pasted_in_the_wrong_place");
    expect(result.code).toBe(1);
  });

  test("a secret that is not the deployment's", async () => {
    const result = await doctor(flags({ "--secret": OTHER_SECRET }));
    expect(result.marks).toEqual(["✓", "✓", "✗", "✓", "✓", "✓", "-"]);
    expect(result.lines[2]).toBe(
      "✗ signing secret matches: no signing secret on the deployment is this one: it answered 401 " +
        "(invalid webhook signature: No matching signature found). Fix: copy the Signing Secret of this endpoint " +
        "in the Clerk dashboard (Webhooks → the endpoint), then check it with --secret and set it with " +
        "npx convex env set CLERK_WEBHOOK_SIGNING_SECRET whsec_…",
    );
    expect(result.code).toBe(1);
  });

  test("a Clerk secret key that Clerk rejects", async () => {
    const result = await doctor(flags({ "--clerk-secret-key": "sk_test_revokedKey" }));
    expect(result.marks).toEqual(["✓", "✓", "✓", "✗", "-", "✓", "✓"]);
    expect(result.lines[3]).toBe(
      `✗ Clerk secret key: ${new URL(clerkApi.url).host} rejected it (401 clerk_key_invalid: The provided Clerk ` +
        "Secret Key is invalid. Make sure that your Clerk Secret Key is correct.). Fix: copy the Secret key from " +
        "the Clerk dashboard (Configure → API keys) of the instance that sends the webhooks",
    );
    expect(result.lines[4]).toBe("- Clerk webhooks: skipped (needs a working Clerk secret key)");
    expect(result.stdout).not.toContain("revokedKey");
    expect(result.code).toBe(1);
  });

  test("something that is not a secret key is not sent to Clerk", async () => {
    const result = await doctor(flags({ "--clerk-secret-key": "pk_test_publishableKey" }));
    expect(result.marks).toEqual(["✓", "✓", "✓", "✗", "-", "✓", "✓"]);
    expect(result.lines[3]).toMatch(
      /^✗ Clerk secret key: it is not a Clerk secret key \(sk_test_… or sk_live_…\)\. Fix: /,
    );
    expect(result.stdout).not.toContain("publishableKey");
    expect(clerkApi.requests.filter((r) => r.path.startsWith("/v1/"))).toEqual([]);
    expect(result.code).toBe(1);
  });

  test("webhooks never enabled on the Clerk instance (svix_app_missing)", async () => {
    clerkApi.setSvixAppMissing(true);
    const result = await doctor(flags());
    expect(result.marks).toEqual(["✓", "✓", "✓", "✓", "✗", "✓", "✓"]);
    expect(result.lines[4]).toBe(
      "✗ Clerk webhooks: webhooks were never enabled on this Clerk instance (400 svix_app_missing: No Svix apps " +
        "are associated with the current instance.). Fix: in the Clerk dashboard open Webhooks, then Add Endpoint " +
        `with the URL ${app.origin}/clerk-users-webhook`,
    );
    expect(result.code).toBe(1);
  });

  test("an unreachable Clerk API", async () => {
    const result = await doctor(flags({ "--clerk-api-url": `http://127.0.0.1:${await closedPort()}` }));
    expect(result.marks).toEqual(["✓", "✓", "✓", "✗", "-", "✓", "✓"]);
    // @clerk/backend reports only "fetch failed"; the check names the cause.
    expect(result.lines[3]).toMatch(
      /^✗ Clerk secret key: cannot reach 127\.0\.0\.1:(\d+): connect ECONNREFUSED 127\.0\.0\.1:\1\. Fix: check the network/,
    );
    expect(result.code).toBe(1);
  });

  test("an unreachable issuer", async () => {
    const result = await doctor(flags({ "--issuer": `http://127.0.0.1:${await closedPort()}` }));
    expect(result.marks).toEqual(["✓", "✓", "✓", "✓", "✓", "✗", "✓"]);
    expect(result.lines[5]).toMatch(
      /^✗ issuer: cannot reach 127\.0\.0\.1:\d+: .*ECONNREFUSED.*\. Fix: set CLERK_FRONTEND_API_URL on the deployment/,
    );
    expect(result.code).toBe(1);
  });

  test("an issuer whose OpenID configuration names another issuer", async () => {
    const NAMED = "https://verb-noun-00.clerk.accounts.dev";
    const other = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ issuer: NAMED }));
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const issuer = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const result = await doctor(flags({ "--issuer": issuer }));
      expect(result.marks).toEqual(["✓", "✓", "✓", "✓", "✓", "✗", "✓"]);
      expect(result.lines[5]).toMatch(
        `✗ issuer: ${issuer}/.well-known/openid-configuration names the issuer ${NAMED}, not ${issuer}. ` +
          `Fix: use ${NAMED} exactly: set CLERK_FRONTEND_API_URL`,
      );
      expect(result.code).toBe(1);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe("the sync health, read through the signed delivery", () => {
  test("a webhook that is not ok: its verdict and reasons, with the fix, and exit 1", async () => {
    // A user syncCurrentUser stored two hours ago, whose user.created never came.
    const storedAt = Date.now() - 2 * 60 * 60 * 1000;
    const id = await inComponent(t, (ctx) =>
      ctx.db.insert("signUpFallbacks", { clerkId: "user_fallback", storedAt, followed: false }),
    );
    try {
      const result = await doctor(flags());
      expect(result.marks).toEqual(["✓", "✓", "✓", "✓", "✓", "✓", "✗"]);
      expect(result.lines[6]).toMatch(
        /^✗ sync health: degraded: 1 user stored by syncCurrentUser in the last 7 days never got its user\.created delivery\. Fix: check that the route is mounted/,
      );
      expect(result.code).toBe(1);
    } finally {
      await inComponent(t, (ctx) => ctx.db.delete("signUpFallbacks", id));
    }
  });
});

describe("flags that cannot work are one-line errors, before any request", () => {
  test.each([
    [
      ["--url", "example.convex.site"],
      /^error: --url "example\.convex\.site" is not an http\(s\) URL, e\.g\. https:\/\/<name>\.convex\.site\n$/,
    ],
    [["--url", "https://x.convex.site", "--secret", "whsec_!!"], /^error: --secret is not a signing secret/],
    [
      ["--url", "https://x.convex.site", "--issuer", "verb-noun-00.clerk.accounts.dev"],
      /^error: --issuer .* is not an http\(s\) URL/,
    ],
  ])("%j", async (args, message) => {
    const result = await doctor(args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  });

  test("--url is required", async () => {
    const result = await doctor([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: required option '--url <url>' not specified\n");
  });
});
