// `convex-clerk-sync doctor` against the demo's server (the example app on convex-test behind a
// real HTTP server on 127.0.0.1) and the local stand-in for Clerk's Backend and Frontend API.
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { run, type Io } from "../../src/cli/run";
import { embeddedExample, serveOverHttp } from "../../example/embedded";
import { startClerkApiStandIn, type ClerkApiStandIn } from "./clerkApiStandIn";
import { inComponent } from "../setup";

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const OTHER_SECRET = `whsec_${Buffer.from("another secret, 24 bytes").toString("base64")}`;
export const KEY = "sk_test_doctorStandInKey";
export const ENV_VARS = [
  "CLERK_WEBHOOK_SIGNING_SECRET",
  "CLERK_WEBHOOK_SECRET",
  "CLERK_SECRET_KEY",
  "CLERK_API_URL",
  "CLERK_FRONTEND_API_URL",
  "CLERK_JWT_ISSUER_DOMAIN",
];

export let t: Awaited<ReturnType<typeof embeddedExample>>;
export let app: Awaited<ReturnType<typeof serveOverHttp>>;
export let clerkApi: ClerkApiStandIn;

/** The demo's server, the stand-in for Clerk, and the variables reset around each test. */
export function useDoctorDeployment() {
  beforeAll(async () => {
    t = await embeddedExample();
    app = await serveOverHttp(t);
    clerkApi = await startClerkApiStandIn({ secretKey: KEY });
  });
  afterAll(async () => {
    await app.close();
    await clerkApi.close();
  });
  beforeEach(() => {
    for (const name of ENV_VARS) delete process.env[name];
    // The deployment's secret: the example app reads it per request.
    process.env.CLERK_WEBHOOK_SECRET = SECRET;
    clerkApi.setSvixAppMissing(false);
    clerkApi.requests.length = 0;
  });
  afterEach(async () => {
    for (const name of ENV_VARS) delete process.env[name];
    // The failures a test provoked (no signing secret…) would make the next test's sync health silent.
    await inComponent(t, async (ctx) => {
      for (const row of await ctx.db.query("deliveryFailures").collect()) await ctx.db.delete(row._id);
    });
  });
}

export async function doctor(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    isTTY: false,
  };
  const code = await run(["doctor", ...args], io);
  const lines = stdout.split("\n").filter(Boolean);
  return { code, stdout, stderr, lines, marks: lines.slice(0, -1).map((line) => line[0]) };
}

/** Every flag, each right; `overrides` replaces a flag's value. */
export function flags(overrides: Record<string, string> = {}) {
  const all: Record<string, string> = {
    "--url": app.origin,
    "--secret": SECRET,
    "--clerk-secret-key": KEY,
    "--clerk-api-url": clerkApi.url,
    "--issuer": clerkApi.url,
    ...overrides,
  };
  return Object.entries(all).flat();
}
