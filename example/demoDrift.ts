// The demo's last part: drift you can see. On a demo clock that jumps (an hour of sign-ups
// takes a second), the webhook route is unmounted, users sign up for an hour, the nightly pass
// runs, and the route is mounted again: `syncStatus:health` goes ok → silent → ok.
import type { SyncHealth } from "convex-clerk-sync";
import { userCreated, userDeleted, userUpdated } from "../src/events/payloads.js";
import { signDelivery } from "../src/events/sign.js";
import type { ClerkApiStandIn } from "../tests/support/clerkApiStandIn.js";
import { api, internal } from "./convex/_generated/api.js";
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
  secret: string;
  /** Print the latest backfill run's progress until it ends. */
  followBackfill: () => Promise<void>;
};

/** The demo's clock: `Date.now()` (which Convex functions, svix and the stand-in read), moved forward by jumps. */
function demoClock() {
  const realNow = Date.now.bind(Date);
  let offset = 0;
  Date.now = () => realNow() + offset;
  return {
    set: (time: number) => void (offset = Math.max(offset, time - realNow())),
    later: (ms: number) => void (offset += ms),
  };
}

/** Svix for the demo: delivers each event once, keeps those answered with an error, and retries them later. */
function svix(url: string, secret: string) {
  const failed: { id: string; payload: unknown }[] = [];
  const post = async (id: string, payload: unknown) => {
    // Svix signs each attempt with the time it is made.
    const { body, headers } = signDelivery(payload, secret, { id, timestamp: new Date(Date.now()) });
    const response = await fetch(url, { method: "POST", body, headers });
    const answer = (await response.json().catch(() => ({}))) as { outcome?: string };
    return { ok: response.ok, status: response.status, outcome: answer.outcome ?? "" };
  };
  return {
    failed,
    async send(payload: unknown) {
      const id = `msg_${crypto.randomUUID().replaceAll("-", "").slice(0, 27)}`;
      if (!(await post(id, payload)).ok) failed.push({ id, payload });
    },
    /** Retry every failed message: answers each answer's `status outcome`, counted. */
    async retry() {
      const answers = new Map<string, number>();
      for (const { id, payload } of failed.splice(0)) {
        const { status, outcome } = await post(id, payload);
        const key = `${status} ${outcome}`.trim();
        answers.set(key, (answers.get(key) ?? 0) + 1);
      }
      return [...answers].map(([answer, n]) => `${n} × ${answer}`).join(", ");
    },
  };
}

export async function runDrift({ t, url, unmounted, clerkApi, secret, followBackfill }: Demo) {
  process.env.CLERK_FRONTEND_API_URL = ISSUER;
  clerkApi.hidden.clear();
  const clock = demoClock();
  // Tomorrow, 12:00 UTC: the clock only moves forward.
  const noon = Date.parse(`${new Date(Date.now() + 24 * HOUR).toISOString().slice(0, 10)}T12:00Z`);
  const now = () => new Date(Date.now()).toISOString().slice(0, 16).replace("T", " ");
  const step = (what: string) => console.log(`\n  ${now()}  ${what}`);
  const health = async () => printHealth(await t.query(internal.syncStatus.health, {}));
  const delivery = svix(url, secret);
  const path = new URL(url).pathname;

  console.log("\nDrift you can see: syncStatus:health, on a demo clock (hours pass in a second)");
  clock.set(noon);
  const [first] = clerkApi.addUsers(1, () => ({ first_name: "Zoe", created_at: Date.now(), updated_at: Date.now() }));
  await delivery.send(userCreated({ ...first! }));
  step("the webhook works: Zoe signs up, and her user.created is applied");
  await health();
  clock.later(MINUTE);

  unmounted.add(path);
  step(`a refactor drops registerClerkRoutes: POST ${path} answers 404, and Svix keeps each delivery to retry`);
  await anHourOfSignUps({ t, clerkApi }, delivery, clock);
  console.log(
    `  ${now()}  an hour of sign-ups: 12 users (9 opened the app), 1 deleted and 1 renamed in Clerk; ` +
      `${delivery.failed.length} deliveries answered 404`,
  );

  clock.later(HOUR);
  step("an hour later, the hourly check (syncStatus:warnIfUnhealthy) logs:");
  await t.action(internal.syncStatus.warnIfUnhealthy, {});
  await health();

  clock.set(noon + 16 * HOUR + 23 * MINUTE);
  step("the nightly full pass (backfill:start, as crons.ts runs it)");
  await t.mutation(internal.backfill.start, { mode: "full" });
  await followBackfill();
  await health();

  clock.set(noon + 21 * HOUR);
  unmounted.delete(path);
  step(`the route is mounted again; Svix retries the failed deliveries: ${await delivery.retry()}`);
  await health();
}

/**
 * Twelve sign-ups five minutes apart, nine of whom open the app before any webhook (so
 * `syncCurrentUser`, through users:ensureMe, stores them); then an older user deletes their
 * account and another is renamed. Clerk sends a delivery for each.
 */
async function anHourOfSignUps(
  { t, clerkApi }: Pick<Demo, "t" | "clerkApi">,
  delivery: ReturnType<typeof svix>,
  clock: ReturnType<typeof demoClock>,
) {
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

function printHealth({ verdict, reasons, lastDeliveryAt }: SyncHealth) {
  const last = lastDeliveryAt === null ? "none" : new Date(lastDeliveryAt).toISOString().slice(0, 16).replace("T", " ");
  console.log(`  verdict: ${verdict}   (last delivery applied: ${last})`);
  for (const { rule, count, message } of reasons) console.log(`    ${rule} (${count}): ${message}`);
}
