// `npm run demo`: the example app on an embedded in-memory Convex (convex-test) behind
// a real HTTP server on 127.0.0.1, fed a stream of signed Clerk deliveries over HTTP.
// `npm run demo -- --serve` keeps serving, for `npx convex-clerk-sync send …` and `doctor`.
import { parseArgs } from "node:util";
import { signDelivery } from "../src/events/sign.js";
import {
  clerkUser,
  membershipCreated,
  organizationCreated,
  userCreated,
  userDeleted,
  userUpdated,
} from "../src/events/payloads.js";
import { startClerkApiStandIn } from "../tests/support/clerkApiStandIn.js";
import { api, internal } from "./convex/_generated/api.js";
import { clockTime, dateTime, followBackfill, num, printTable } from "./demoFormat.js";
import { runDrift } from "./demoDrift.js";
import { runOutage } from "./demoOutage.js";
import { demoClock, demoSvix } from "./demoSvix.js";
import { embeddedExample, serveOverHttp } from "./embedded.js";

const SECRET = "whsec_ZGVtby1zZWNyZXQtZm9yLWNvbnZleC1jbGVyay1zeW5j";
const WEBHOOK_PATH = "/clerk-users-webhook";
const ACME = "org_2acme000000000000000000000";
const ACME_BOB = "orgmem_2acmebob00000000000000000";
const STARTED = Date.now();
/** Bob's latest change in Clerk, as his webhook and Clerk's list both have it. */
const BOB_UPDATED_AT = STARTED - 55 * 60_000;
const ada = "user_2ada0000000000000000000000";
const bob = "user_2bob0000000000000000000000";
const cyd = "user_2cyd0000000000000000000000";
/** Clerk's `updated_at`: this many minutes into the hour before the demo started. */
const at = (minutes: number) => STARTED - 60 * 60_000 + minutes * 60_000;
const adaAs = (last_name: string, updated_at: number) =>
  ({ id: ada, first_name: "Ada", last_name, email: "ada@example.org", updated_at }) as const;

const { values: flags } = parseArgs({
  options: { serve: { type: "boolean", default: false }, port: { type: "string", default: "3218" } },
});

process.env.CLERK_WEBHOOK_SECRET = SECRET;
const t = await embeddedExample();

// What the component logs about each request, shown under that request's line.
const logLines: string[] = [];
for (const level of ["log", "warn", "error"] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    const line = args.join(" ");
    if (line.startsWith("[clerk-sync]")) logLines.push(line);
    else original(...args);
  };
}

const unmounted = new Set<string>();
const server = await serveOverHttp(t, {
  port: flags.serve ? Number(flags.port) : 0,
  unmounted,
  onResponse: () => {
    if (flags.serve) for (const line of logLines.splice(0)) process.stdout.write(`  ${line}\n`);
  },
});
const url = `${server.origin}${WEBHOOK_PATH}`;

if (flags.serve) {
  console.log(`Serving the example app's Clerk webhook at ${url}`);
  console.log(`Signing secret: ${SECRET}\n`);
  console.log(`Try: npx convex-clerk-sync send user.created --url ${url} --secret ${SECRET} --first-name Ada`);
  console.log(`     npx convex-clerk-sync doctor --url ${server.origin} --secret ${SECRET}`);
  console.log("Ctrl-C to stop.\n");
} else {
  await runStream();
  const clerkApi = await runBackfill();
  const clock = demoClock();
  const svix = demoSvix(url, SECRET, clock);
  await runDrift({ t, url, unmounted, clerkApi, clock, svix });
  await runOutage({ t, clerkApi, clock, svix, secret: SECRET });
  await clerkApi.close();
  await server.close();
  // convex-test keeps timers of canceled scheduled functions (the backfill's watchdogs).
  process.exit(0);
}

async function runStream() {
  console.log(`Example app serving ${url} (embedded convex-test backend)\n`);
  await deliverAll(streamSteps());
  console.log("\nWhat the component logged (no personal data):");
  for (const line of logLines.splice(0)) console.log(`  ${line}`);
  await printStreamState();
}

type Step = { what: string; payload: unknown; id?: string; secret?: string; tamper?: boolean };

/** The stream: out-of-order, redelivered, forged and tampered deliveries among the real ones. */
function streamSteps(): Step[] {
  const adaRenamed = userUpdated(adaAs("King", at(2)));
  return [
    { what: "Ada signs up", payload: userCreated(adaAs("Lovelace", at(1))) },
    { what: "Ada changes her name", payload: adaRenamed, id: "msg_ada_renamed" },
    { what: "…and Svix delivers that again", payload: adaRenamed, id: "msg_ada_renamed" },
    { what: "an older update arrives late", payload: userUpdated(adaAs("Byron", at(1.5))) },
    {
      what: "Bob's update arrives before his sign-up",
      payload: userUpdated({
        id: bob,
        first_name: "Bob",
        last_name: null,
        username: "bob",
        updated_at: BOB_UPDATED_AT,
      }),
    },
    {
      what: "…then Bob's sign-up",
      payload: userCreated({ id: bob, first_name: "Robert", last_name: null, username: "bob", updated_at: at(4) }),
    },
    {
      what: "a phone-only user with no name",
      payload: {
        type: "user.created",
        object: "event",
        data: clerkUser({
          id: cyd,
          email: null,
          first_name: null,
          last_name: null,
          primary_phone_number_id: "idn_phone",
          phone_numbers: [{ id: "idn_phone", phone_number: "+15550100" }] as never,
        }),
      },
    },
    {
      what: "Bob joins Acme, before Acme's own event",
      payload: membershipCreated({ id: ACME_BOB, orgId: ACME, userId: bob, role: "org:admin" }),
    },
    { what: "…Acme's own event completes it", payload: organizationCreated({ id: ACME, name: "Acme", slug: "acme" }) },
    {
      what: "a session event (not synced)",
      payload: { type: "session.created", object: "event", data: { id: "sess_1" } },
    },
    {
      what: "a forged delivery (wrong secret)",
      payload: userCreated({ first_name: "Mallory" }),
      secret: "whsec_" + btoa("not the endpoint's secret, 32 b!"),
    },
    {
      what: "a tampered body",
      payload: userUpdated({ id: ada, first_name: "Mallory", updated_at: at(9) }),
      tamper: true,
    },
    { what: "Ada deletes her account", payload: userDeleted(ada) },
    { what: "a late update for deleted Ada", payload: userUpdated({ id: ada, first_name: "Ada", updated_at: at(3) }) },
  ];
}

/** Sign and POST each step, as Svix would; print one row per answer. */
async function deliverAll(steps: Step[]) {
  const rows: string[][] = [["#", "delivery", "event", "status", "outcome", "answered in"]];
  for (const [i, step] of steps.entries()) {
    const signed = signDelivery(step.payload, step.secret ?? SECRET, { id: step.id });
    const body = step.tamper ? signed.body.replace("Mallory", "Admin") : signed.body;
    const started = performance.now();
    const response = await fetch(url, { method: "POST", body, headers: signed.headers });
    const answer = (await response.json()) as { outcome?: string; error?: string };
    const ms = `${Math.round(performance.now() - started)} ms`;
    const type = (step.payload as { type: string }).type;
    rows.push([String(i + 1), step.what, type, String(response.status), answer.outcome ?? answer.error ?? "", ms]);
  }
  printTable(rows);
}

/** The users, Acme's members and the sync status the stream left. */
async function printStreamState() {
  console.log("\nThe component's users table (and the app's profiles, kept by hooks):");
  await printUsers(100);
  const acme = await t.query(async (ctx) => {
    const { clerk } = await import("./convex/clerk.js");
    const org = await clerk.getOrganizationBySlug(ctx, "acme");
    const members = await clerk.listMembers(ctx, org!.orgId, { paginationOpts: { numItems: 10, cursor: null } });
    return { name: org!.name, members: members.page.map((m) => `${m.clerkId} (${m.role})`) };
  });
  console.log(`\nOrganization ${acme.name}: members ${acme.members.join(", ")}`);

  // `npx convex run syncStatus:get` on a deployment: is the webhook working?
  const status = await t.query(internal.syncStatus.get, {});
  console.log("\nSync status (syncStatus:get): the last applied delivery of each event type");
  for (const { eventType, outcome, appliedAt } of status.lastApplied) {
    console.log(`  ${eventType.padEnd(31)} ${outcome.padEnd(9)} at ${clockTime(appliedAt)}`);
  }
  console.log(
    `  failed deliveries: ${num(status.recentFailures.length)} ` +
      "(forged ones are answered 401 and only counted, as refused signatures: no body is kept)",
  );
}

/** A backfill from a local stand-in for Clerk's Backend API, as `npx convex run backfill:start` does. */
async function runBackfill() {
  const clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = "sk_test_demo_standin";
  // Clerk has 1,200 users: Bob (as already synced), and 1,199 the webhooks never brought.
  // Cyd is not among them: Clerk no longer has her, so reconciliation deletes her.
  clerkApi.addUsers(1, () => ({
    id: "user_2bob0000000000000000000000",
    first_name: "Bob",
    last_name: null,
    username: "bob",
    updated_at: BOB_UPDATED_AT,
  }));
  clerkApi.addUsers(1_199);
  // Acme and Bob's membership in it, as the webhooks brought them (in Clerk, they are older).
  clerkApi.addOrganization({ id: ACME, name: "Acme", slug: "acme" });
  clerkApi.addMembership(ACME, "user_2bob0000000000000000000000", "org:admin", { id: ACME_BOB });
  const globex = clerkApi.addOrganization({ name: "Globex", slug: "globex" });
  clerkApi.addMembership(globex.id, "user_2bob0000000000000000000000", "org:member");
  console.log(
    `\nBackfill from a stand-in for Clerk's Backend API at ${clerkApi.url} (1,200 users, paced at 50 requests / 10 s):`,
  );

  await t.mutation(internal.backfill.start, {});
  console.log("  started a full pass");
  await followBackfill(t);
  // Two users change in Clerk and no webhook arrives: the hourly incremental pass fetches just those.
  for (const id of [...clerkApi.users.keys()].slice(1, 3)) clerkApi.updateUser(id, { last_name: "Changed" });
  await t.mutation(internal.backfill.start, { mode: "incremental" });
  console.log("\n  started an incremental pass, as the example's hourly cron does");
  await followBackfill(t);
  // Clerk's list falls short of its count (two users it counts but never lists): the pass reads
  // the end of the list again, still comes up short, and ends `incomplete` instead of `done`.
  for (const id of [...clerkApi.users.keys()].slice(-2)) clerkApi.hidden.add(id);
  await t.mutation(internal.backfill.start, { mode: "full" });
  console.log("\n  started a full pass while Clerk's user list stays short of its count");
  await followBackfill(t);
  const { backfill } = await t.query(internal.syncStatus.get, {});
  const shortfalls = (backfill?.shortfalls ?? []).map((s) => `${s.kind} listed ${num(s.seen)} of ${num(s.clerkTotal)}`);
  console.log(`  syncStatus:get says: the backfill is ${backfill?.status} (${shortfalls.join("; ")})`);
  const synced = await t.query(async (ctx) => {
    let total = 0;
    let cursor: string | null = null;
    for (;;) {
      const { clerk } = await import("./convex/clerk.js");
      const page = await clerk.listUsers(ctx, { paginationOpts: { numItems: 500, cursor } });
      total += page.page.length;
      if (page.isDone) return total;
      cursor = page.continueCursor;
    }
  });
  console.log(`\nUsers now synced: ${num(synced)} (Clerk has 1,200). The first few:`);
  await printUsers(4);
  return clerkApi;
}

async function printUsers(limit: number) {
  // Operator's view, straight from ClerkSync: users.directory is for signed-in users only.
  const users = await t.query(async (ctx) => {
    const { clerk } = await import("./convex/clerk.js");
    return clerk.listUsers(ctx, { paginationOpts: { numItems: limit, cursor: null } });
  });
  const table: string[][] = [["clerkId", "name", "email", "phone", "updated in Clerk", "profile"]];
  for (const user of users.page) {
    const profile = await t.query(api.profiles.get, { clerkId: user.clerkId });
    table.push([
      user.clerkId,
      user.name,
      user.email ?? "—",
      user.phone ?? "—",
      dateTime(user.updatedAt),
      profile?.displayName ?? "—",
    ]);
  }
  printTable(table);
}
