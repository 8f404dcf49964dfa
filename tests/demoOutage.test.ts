// @vitest-environment node
// The demo's 3 am outage (example/demoOutage.ts), through the example's real functions over real
// HTTP: the heartbeat sees the wrong secret within two intervals and names its cause, the secret
// put back ends the outage with one heal pass, and the verdict clears.
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { runOutage, nextSunday } from "../example/demoOutage";
import { demoClock, demoSvix } from "../example/demoSvix";
import { serveOverHttp } from "../example/embedded";
import { SECRET_KEY } from "./backfillSetup";
import { startClerkApiStandIn, type ClerkApiStandIn } from "./support/clerkApiStandIn";
import { internal } from "../example/convex/_generated/api";
import { initConvexTest, SECRET, WEBHOOK_PATH } from "./setup";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let realNow = Date.now;
let clerkApi: ClerkApiStandIn;

beforeEach(async () => {
  realNow = Date.now;
  clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = SECRET_KEY;
});
afterEach(async () => {
  // The demo's clock replaces Date.now for good; test files share the global.
  Date.now = realNow;
  await clerkApi.close();
});

test("the 3 am outage: ok, silent at 03:10 with the heartbeat and the refused signatures named, ok after the heal", async () => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  const t = initConvexTest();
  clerkApi.addUsers(6);
  const server = await serveOverHttp(t);
  try {
    const clock = demoClock();
    const svix = demoSvix(`${server.origin}${WEBHOOK_PATH}`, SECRET, clock);
    const sunday = nextSunday(realNow());
    const verdicts = await runOutage({ t, clerkApi, clock, svix, secret: SECRET });
    expect(verdicts.map(({ verdict }) => verdict)).toEqual(["ok", "silent", "ok"]);
    const [quiet, silent, healed] = verdicts;
    expect(quiet).toMatchObject({ rules: [] });
    expect(quiet!.at).toBeLessThan(sunday + 3 * HOUR);
    // The secret changed at 03:00; heartbeats every 5 minutes: the 03:10 tick is the second one unanswered.
    expect(silent!.at).toBe(sunday + 3 * HOUR + 10 * MINUTE);
    expect(silent!.rules).toEqual(["heartbeat", "signatureRefusals"]);
    // The secret is put back at 03:33: the heartbeat of 03:35 comes back, its heal pass runs.
    expect(healed).toMatchObject({ at: sunday + 3 * HOUR + 35 * MINUTE, rules: [] });
    expect(process.env.CLERK_WEBHOOK_SECRET).toBe(SECRET);
    // One outage on record, 03:00 to the heartbeat of 03:35, and the one heal pass it started, done.
    const { lastOutage } = (await t.query(internal.heartbeat.status, {}))!;
    expect(lastOutage).toMatchObject({ heal: "started an incremental pass" });
    const within = (time: number, from: number) => expect([time >= from, time < from + MINUTE]).toEqual([true, true]);
    within(lastOutage!.from, sunday + 3 * HOUR);
    within(lastOutage!.to, sunday + 3 * HOUR + 35 * MINUTE);
    // The latest run (the hourly pass of 04:17 has not come) is that heal pass, done.
    const latest = await t.query(internal.backfill.status, {});
    expect(latest).toMatchObject({ runId: lastOutage!.healRunId, mode: "incremental", status: "done" });
  } finally {
    await server.close();
  }
});
