// Drift you can see, without the heartbeat. On a demo clock that jumps (an hour of sign-ups
// takes a second), the webhook route is unmounted, users sign up for an hour, the nightly pass
// runs, the route is mounted again and Svix's retries land: `syncStatus:health` goes ok → silent → ok.
import { userCreated, userDeleted, userUpdated } from "../src/events/payloads.js";
import type { ClerkApiStandIn } from "../tests/support/clerkApiStandIn.js";
import { api, internal } from "./convex/_generated/api.js";
import { clockTime, followBackfill, printHealth } from "./demoFormat.js";
import { summarize, type DemoClock, type DemoSvix } from "./demoSvix.js";
import type { embeddedExample } from "./embedded.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ISSUER = "https://demo-drift-00.clerk.accounts.dev";

type App = Awaited<ReturnType<typeof embeddedExample>>;
type Demo = {
  t: App;
  /** The webhook's URL, and the paths the demo's server answers 404. */
  url: string;
  unmounted: Set<string>;
  clerkApi: ClerkApiStandIn;
  clock: DemoClock;
  /** Svix, for the app's endpoint. */
  svix: DemoSvix;
};

export async function runDrift({ t, url, unmounted, clerkApi, clock, svix }: Demo) {
  process.env.CLERK_FRONTEND_API_URL = ISSUER;
  clerkApi.hidden.clear();
  // Tomorrow, 12:00 UTC: the clock only moves forward.
  const noon = Date.parse(`${new Date(Date.now() + 24 * HOUR).toISOString().slice(0, 10)}T12:00Z`);
  const step = (what: string) => console.log(`\n  ${clockTime(Date.now())}  ${what}`);
  const health = async () => printHealth(await t.query(internal.syncStatus.health, {}));
  const path = new URL(url).pathname;

  console.log("\nDrift you can see: syncStatus:health, on a demo clock (hours pass in a second)");
  clock.set(noon);
  const [first] = clerkApi.addUsers(1, () => ({ first_name: "Zoe", created_at: Date.now(), updated_at: Date.now() }));
  await svix.send(userCreated({ ...first! }));
  step("the webhook works: Zoe signs up, and her user.created is applied");
  await health();
  clock.later(MINUTE);

  unmounted.add(path);
  step(`a refactor drops registerClerkRoutes: POST ${path} answers 404, and Svix keeps each delivery to retry`);
  svix.takeAttempts();
  await anHourOfSignUps({ t, clerkApi }, svix, clock);
  step(
    "an hour of sign-ups: 12 users (9 opened the app), 1 deleted and 1 renamed in Clerk; " +
      `Svix's attempts so far: ${summarize(svix.takeAttempts())}`,
  );

  await svix.runUntil(noon + HOUR + 47 * MINUTE);
  step("the hourly check (syncStatus:warnIfUnhealthy, as crons.ts runs it at :47) logs:");
  await t.action(internal.syncStatus.warnIfUnhealthy, {});
  await health();

  await svix.runUntil(noon + 16 * HOUR + 23 * MINUTE);
  step(
    `the nightly full pass (backfill:start, as crons.ts runs it); Svix's retries: ${summarize(svix.takeAttempts())}`,
  );
  await t.mutation(internal.backfill.start, { mode: "full" });
  await followBackfill(t);
  await health();

  await svix.runUntil(noon + 21 * HOUR);
  unmounted.delete(path);
  step(`the route is mounted again; Svix's retries until now: ${summarize(svix.takeAttempts())}`);
  await health();
  await svix.runUntil(noon + 28 * HOUR + 40 * MINUTE);
  step(`Svix's next retries, on its schedule: ${summarize(svix.takeAttempts())}`);
  await health();
}

/**
 * Twelve sign-ups five minutes apart, nine of whom open the app before any webhook (so
 * `syncCurrentUser`, through users:ensureMe, stores them); then an older user deletes their
 * account and another is renamed. Clerk sends a delivery for each.
 */
async function anHourOfSignUps({ t, clerkApi }: Pick<Demo, "t" | "clerkApi">, delivery: DemoSvix, clock: DemoClock) {
  const existing = [...clerkApi.users.values()];
  for (let i = 0; i < 12; i++) {
    clock.later(5 * MINUTE);
    const [user] = clerkApi.addUsers(1, () => ({
      first_name: `Signup${i}`,
      created_at: Date.now(),
      updated_at: Date.now(),
    }));
    await delivery.send(userCreated({ ...user! }));
    if (i < 9) await t.withIdentity({ issuer: ISSUER, subject: user!.id }).action(api.users.ensureMe, {});
  }
  const gone = existing[10]!;
  clerkApi.users.delete(gone.id);
  await delivery.send(userDeleted(gone.id));
  const renamed = clerkApi.updateUser(existing[11]!.id, { last_name: "Renamed" });
  await delivery.send(userUpdated({ ...renamed }));
}
