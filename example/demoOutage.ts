// A 3 am outage on a quiet app, seen by the heartbeat. On the demo's clock, the example's crons
// run as crons.ts has them (heartbeat:send every 5 minutes, the incremental pass at :17): the
// heartbeat's nonce goes to the Clerk stand-in's heartbeat user, and Clerk's `user.updated` comes
// back through Svix to the route. At 03:00 on a Sunday with no sign-ups, the deployment's signing
// secret becomes another endpoint's: the verdict turns `silent` with its cause, the secret is put
// back, the returning heartbeat starts one heal pass, and the verdict clears.
import { userUpdated } from "../src/events/payloads.js";
import type { ClerkApiStandIn } from "../tests/support/clerkApiStandIn.js";
import { internal } from "./convex/_generated/api.js";
import { clockTime, duration, followBackfill, num, printHealth } from "./demoFormat.js";
import { summarize, type DemoClock, type DemoSvix } from "./demoSvix.js";
import type { embeddedExample } from "./embedded.js";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** crons.ts: the heartbeat every 5 minutes, the incremental pass at minute 17 of each hour. */
const INTERVAL = 5 * MINUTE;
const HOURLY_PASS_MINUTE = 17;
/** Another endpoint's signing secret (a staging app's), set on this deployment by mistake. */
const STAGING_SECRET = "whsec_" + btoa("the staging endpoint's secret!!!");

type App = Awaited<ReturnType<typeof embeddedExample>>;
export type OutageDemo = { t: App; clerkApi: ClerkApiStandIn; clock: DemoClock; svix: DemoSvix; secret: string };
/** The demo's state: the runs the hourly cron started (or there before), and the others (heal passes). */
type Runs = { hourlyRuns: Set<string>; otherRuns: Set<string> };
type SyncHealth = Awaited<ReturnType<typeof health>>;
/** A change of the verdict the demo saw: at which heartbeat (read 10 s after it), to what, and its reasons' rules. */
export type VerdictChange = { at: number; verdict: SyncHealth["verdict"]; rules: string[] };

/** Something that happens at a time, besides the crons. */
type Happening = { at: number; what: string; run?: () => unknown };

const health = (t: App) => t.query(internal.syncStatus.health, {});
const line = (time: number, what: string) => console.log(`  ${clockTime(time)}  ${what}`);

/** The next Sunday, 00:00 UTC, at least a day from now. */
export function nextSunday(now: number) {
  let day = Math.floor(now / (24 * HOUR)) * 24 * HOUR + 24 * HOUR;
  while (new Date(day).getUTCDay() !== 0) day += 24 * HOUR;
  return day;
}

/** Run the night; answers each change of the verdict, in order. */
export async function runOutage(host: OutageDemo): Promise<VerdictChange[]> {
  const before = (await host.t.query(internal.backfill.status, {}))?.runId;
  const demo = { ...host, hourlyRuns: new Set(before ? [before] : []), otherRuns: new Set<string>() };
  const sunday = nextSunday(Date.now());
  console.log(
    `\nA 3 am outage on a quiet app, seen by the heartbeat: Sunday ${new Date(sunday).toISOString().slice(0, 10)}, ` +
      "no sign-ups, the crons of crons.ts on the demo clock (heartbeat:send every 5 minutes, the incremental pass " +
      "at :17, which lists the heartbeat user and never stores it)",
  );
  demo.clock.set(sunday + 2 * HOUR);
  const { userId } = await demo.t.action(internal.heartbeat.setUp, {});
  line(Date.now(), `heartbeat:setUp creates the heartbeat's Clerk user ${userId}`);
  const verdicts: VerdictChange[] = [];
  const record = (found: SyncHealth, at: number) => {
    if (verdicts.at(-1)?.verdict === found.verdict) return;
    verdicts.push({ at, verdict: found.verdict, rules: found.reasons.map(({ rule }) => rule) });
  };
  await runCrons(demo, sunday + 2 * HOUR, sunday + 2 * HOUR + 55 * MINUTE, [], { quiet: true, record });
  await printRoundTrips(demo.t, sunday + 2 * HOUR);

  const down = sunday + 3 * HOUR;
  const renamed = [...demo.clerkApi.users.values()][5]!;
  const happenings: Happening[] = [
    {
      at: down,
      what: "a deploy sets CLERK_WEBHOOK_SECRET to the staging endpoint's secret: the route refuses every delivery 401",
      run: () => void (process.env.CLERK_WEBHOOK_SECRET = STAGING_SECRET),
    },
    {
      at: down + 20 * MINUTE,
      what: `${renamed.first_name as string} changes her last name in Clerk: Svix's delivery of it is refused too`,
      run: () => demo.svix.emit(userUpdated({ ...demo.clerkApi.updateUser(renamed.id, { last_name: "Night" }) })),
    },
    {
      at: down + 33 * MINUTE,
      what: "the on-call, paged by the 03:10 verdict, reads the cause and puts the endpoint's secret back",
      run: () => void (process.env.CLERK_WEBHOOK_SECRET = demo.secret),
    },
  ];
  await runCrons(demo, down, down + 35 * MINUTE, happenings, { quiet: false, record });
  const retries = await runCrons(demo, down + 36 * MINUTE, down + HOUR, [], { quiet: true, record });
  line(Date.now(), `Svix's retries of what was refused land: ${retries}`);
  const status = await demo.t.query(internal.heartbeat.status, {});
  console.log(`  heartbeat:status: the latest outage ${outageWords(status?.lastOutage)}`);
  console.log(`  passes started other than the hourly ones: ${num(demo.otherRuns.size)} (the heal pass)`);
  printHealth(await health(demo.t));
  console.log(`\n  The verdicts, in order: ${verdicts.map(({ verdict }) => verdict).join(" → ")}`);
  return verdicts;
}

/**
 * Run the crons from `from` to `until` and the happenings between: a heartbeat each interval (sent,
 * then Clerk's `user.updated` of the heartbeat user through Svix), the hourly pass, Svix's retries.
 * Unless `quiet`, one line per heartbeat with Svix's attempts and the verdict 10 s later, the
 * reasons when they change. Answers Svix's attempts, summed up.
 */
async function runCrons(
  demo: OutageDemo & Runs,
  from: number,
  until: number,
  happenings: Happening[],
  { quiet, record }: { quiet: boolean; record: (found: SyncHealth, tick: number) => void },
) {
  const { t, svix } = demo;
  const attempts: ReturnType<DemoSvix["takeAttempts"]> = [];
  let reasons = "";
  for (let tick = Math.ceil(from / INTERVAL) * INTERVAL; tick <= until; tick += INTERVAL) {
    const hour = tick - (tick % HOUR) + HOURLY_PASS_MINUTE * MINUTE;
    const pass: Happening = { at: hour, what: "", run: () => hourlyPass(demo, hour, quiet) };
    const due = [...happenings, pass].filter(({ at }) => at > tick - INTERVAL && at <= tick);
    for (const happening of due.sort((a, b) => a.at - b.at)) {
      await svix.runUntil(happening.at);
      if (happening.what) line(happening.at, happening.what);
      await happening.run?.();
    }
    await svix.runUntil(tick);
    await t.action(internal.heartbeat.send, {});
    const heartbeatUser = (await t.query(internal.heartbeat.status, {}))!.userId;
    svix.emit(userUpdated({ ...demo.clerkApi.users.get(heartbeatUser)! }));
    await svix.runUntil(tick + 10 * SECOND);
    const now = svix.takeAttempts();
    attempts.push(...now);
    if (!quiet) line(tick, `heartbeat:send; Svix's attempts since the last one: ${summarize(now)}`);
    if (await healPassStarted(t, tick, quiet)) await (quiet ? waitForPass(t) : followBackfill(t));
    const latest = await t.query(internal.backfill.status, {});
    if (latest && !demo.hourlyRuns.has(latest.runId)) demo.otherRuns.add(latest.runId);
    const found = await health(t);
    record(found, tick);
    const words = JSON.stringify(found.reasons.map(({ rule, verdict }) => [rule, verdict]));
    if (!quiet && words !== reasons) printHealth(found);
    else if (!quiet) console.log(`  verdict: ${found.verdict}`);
    reasons = words;
  }
  return summarize(attempts);
}

/** crons.ts's hourly incremental pass, at `at`. */
async function hourlyPass(demo: OutageDemo & Runs, at: number, quiet: boolean) {
  const { run } = await demo.t.mutation(internal.backfill.start, { mode: "incremental" });
  demo.hourlyRuns.add(run.runId);
  if (!quiet) line(at, "the hourly incremental pass (backfill:start, as crons.ts runs it):");
  if (!quiet) await followBackfill(demo.t);
  else await waitForPass(demo.t);
}

async function waitForPass(t: App) {
  while ((await t.query(internal.backfill.status, {}))?.status === "running") {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** When the heartbeat that came back at `tick` ended an outage: say so (its heal pass is followed next). */
async function healPassStarted(t: App, tick: number, quiet: boolean) {
  const outage = (await t.query(internal.heartbeat.status, {}))?.lastOutage;
  if (!outage || outage.to < tick) return false;
  if (!quiet) console.log(`  the heartbeat is back: the outage ${outageWords(outage)}`);
  return true;
}

function outageWords(outage: { from: number; to: number; heal: string } | null | undefined) {
  if (!outage) return "none";
  const to = clockTime(outage.to).slice(
    clockTime(outage.from).slice(0, 4) === clockTime(outage.to).slice(0, 4) ? 4 : 0,
  );
  return `${clockTime(outage.from)}–${to} (${duration(outage.to - outage.from)}), its heal: ${outage.heal}`;
}

/** The quiet night's round trips, as heartbeat:status has them. */
async function printRoundTrips(t: App, from: number) {
  const { roundTrips } = (await t.query(internal.heartbeat.status, {}))!;
  const back = roundTrips.filter(({ latencyMs }) => latencyMs !== null);
  const slowest = Math.max(...back.map(({ latencyMs }) => latencyMs!));
  console.log(
    `  ${clockTime(from)}–${clockTime(roundTrips[0]!.sentAt).slice(4)}  a quiet night: a heartbeat every 5 minutes, ` +
      `each back through Svix (of heartbeat:status's newest ${num(roundTrips.length)}, ${num(back.length)} back, ` +
      `the slowest in ${num(slowest)} ms); the hourly pass at 02:17`,
  );
  printHealth(await health(t));
}
