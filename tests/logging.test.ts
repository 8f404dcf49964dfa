// A host quiets the `[clerk-sync]` lines with `logLevel` (or CLERK_SYNC_LOG_LEVEL, for tests that
// run the app's own ClerkSync), and captures them by spying on `console`.
import { afterEach, describe, expect, test, vi } from "vitest";
import { ClerkSync } from "convex-clerk-sync";
import { handleClerkWebhook } from "convex-clerk-sync/http";
import { signDelivery, userCreated } from "convex-clerk-sync/test";
import { components } from "../example/convex/_generated/api";
import { createLogger } from "../src/client/logging";
import { deliver, initConvexTest, SECRET } from "./setup";

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Spy on each console method, as a host's test would: the lines each one received. */
function captureConsole() {
  const lines = { debug: [] as string[], log: [] as string[], warn: [] as string[], error: [] as string[] };
  for (const method of ["debug", "log", "warn", "error"] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => void lines[method].push(String(line)));
  }
  return lines;
}

describe("the webhook's log lines", () => {
  test("by default (INFO), each delivery is a line, and a rejection a warning", async () => {
    const lines = captureConsole();
    const t = initConvexTest();
    const { svixId } = await deliver(t, userCreated({ id: "user_logged" }));
    await deliver(t, userCreated(), { secret: "whsec_" + btoa("another endpoint's key") });
    expect(lines.log).toEqual([`[clerk-sync] inserted ${svixId} user.created`]);
    expect(lines.warn).toEqual([expect.stringMatching(/^\[clerk-sync\] rejected msg_\w+: /)]);
  });

  test("a line quoting what a request claimed is one line, bounded, with no secret key", async () => {
    const lines = captureConsole();
    const t = initConvexTest();
    const response = await t.fetch("/clerk-users-webhook", {
      method: "POST",
      body: "{}",
      headers: { "svix-id": "msg_" + "x".repeat(20_000), "svix-timestamp": "1", "svix-signature": "v1,AAAA" },
    });
    expect(response.status).toBe(401);
    expect(lines.warn).toHaveLength(1);
    expect(lines.warn[0]!.length).toBeLessThanOrEqual("[clerk-sync] ".length + 1000);
    const logger = createLogger("INFO");
    logger.info("ignored msg_1\u001b[2J\n✓ fine sk_test_abcdefghijklmnopqrstuvwxyz0123456789");
    const line = lines.log.at(-1)!;
    expect([line.includes("\u001b"), line.includes("\n"), line.includes("sk_test_abc")]).toEqual([false, false, false]);
  });

  test("CLERK_SYNC_LOG_LEVEL=WARN keeps warnings and errors only; NONE logs nothing", async () => {
    const lines = captureConsole();
    const t = initConvexTest();
    vi.stubEnv("CLERK_SYNC_LOG_LEVEL", "WARN");
    await deliver(t, userCreated());
    await deliver(t, userCreated(), { secret: "whsec_" + btoa("another endpoint's key") });
    expect(lines.log).toEqual([]);
    expect(lines.warn).toHaveLength(1);

    vi.stubEnv("CLERK_SYNC_LOG_LEVEL", "NONE");
    vi.stubEnv("CLERK_WEBHOOK_SECRET", undefined);
    expect((await deliver(t, userCreated(), { secret: SECRET })).status).toBe(500);
    expect(lines).toEqual({ debug: [], log: [], warn: [expect.any(String)], error: [] });
  });
});

describe("ClerkSync's logLevel", () => {
  test("quiets the webhook of a host that routes by hand", async () => {
    const lines = captureConsole();
    const applied = { runMutation: async () => "inserted" as never, runQuery: async () => null as never };
    for (const logLevel of ["ERROR", "INFO"] as const) {
      const { body, headers } = signDelivery(userCreated(), SECRET);
      const request = new Request("https://example.convex.site/clerk-users-webhook", { method: "POST", body, headers });
      const response = await handleClerkWebhook(applied, request, new ClerkSync(components.clerk, { logLevel }), {
        webhookSecret: SECRET,
      });
      expect(response.status).toBe(200);
    }
    expect(lines.log).toEqual([expect.stringMatching(/^\[clerk-sync\] inserted msg_\w+ user\.created$/)]);
  });
});

describe("createLogger", () => {
  test("the level given wins over CLERK_SYNC_LOG_LEVEL, which wins over INFO; an unknown name counts as unset", () => {
    const lines = captureConsole();
    const logAll = (level?: Parameters<typeof createLogger>[0]) => {
      const log = createLogger(level);
      log.debug("d");
      log.info("i");
      log.warn("w");
      log.error("e");
    };
    logAll();
    vi.stubEnv("CLERK_SYNC_LOG_LEVEL", "error");
    logAll();
    logAll("DEBUG");
    vi.stubEnv("CLERK_SYNC_LOG_LEVEL", "LOUD");
    logAll();
    expect(lines).toEqual({
      debug: ["[clerk-sync] d"],
      log: ["[clerk-sync] i", "[clerk-sync] i", "[clerk-sync] i"],
      warn: ["[clerk-sync] w", "[clerk-sync] w", "[clerk-sync] w"],
      error: ["[clerk-sync] e", "[clerk-sync] e", "[clerk-sync] e", "[clerk-sync] e"],
    });
  });
});
