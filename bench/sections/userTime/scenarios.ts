import {
  membershipCreated,
  organizationCreated,
  organizationDeleted,
  type UserOverrides,
} from "../../../src/events/payloads.js";
import { deliver, inComponent } from "../../../tests/support/app.js";
import { startClerkApiStandIn } from "../../../tests/support/clerkApiStandIn.js";
import { runBackfillToEnd, userCounts } from "../../lib/backfillRun.js";
import { createExampleApp, type ExampleApp } from "../../lib/exampleApp.js";
import { clerkEvent, largestClerkUser, typicalClerkUser, type MetadataShape } from "../../lib/payloads.js";
import { recordUserTime, type FunctionTime } from "../../lib/userTime.js";

/** Deliveries timed per event and shape, after one of each untimed. */
export const DELIVERIES = 5;
/** Users in a backfill page: the most Clerk returns, and the package's default page size. */
export const PAGE_SIZE = 500;
/** Members of the organization whose deletion cascades. */
export const MEMBERS = 1_000;
const SECRET_KEY = "sk_test_bench_standin_0123456789";

const mutationsOf = (times: FunctionTime[]) => times.filter((time) => time.name.startsWith("mutation "));

/** The heaviest of the mutations. */
function heaviest(times: FunctionTime[]): FunctionTime {
  const mutations = mutationsOf(times);
  if (mutations.length === 0) throw new Error("userTime: no mutation ran");
  return mutations.reduce((a, b) => (b.userMs > a.userMs ? b : a));
}

async function settle(t: ExampleApp) {
  await t.finishAllScheduledFunctions(() => {}, 1_000_000);
}

/** Deliver and check the answer; answers the heaviest mutation it ran (the component's, its hook nested in it). */
async function timedDelivery(t: ExampleApp, payload: unknown, outcome: string): Promise<FunctionTime> {
  const times = await recordUserTime(async () => {
    const { status, body } = await deliver(t, payload);
    if (status !== 200 || body.outcome !== outcome) {
      throw new Error(`delivery answered ${status} ${JSON.stringify(body)}, expected ${outcome}`);
    }
    await settle(t);
  });
  return heaviest(times);
}

/**
 * The largest user Clerk can send, created then updated (the update reads the stored user and
 * gives the hook both versions): `DELIVERIES` of each, timed, after one of each untimed.
 */
export async function largestDeliveries(shape: MetadataShape) {
  const t = createExampleApp();
  const created: FunctionTime[] = [];
  const updated: FunctionTime[] = [];
  for (let i = -1; i < DELIVERIES; i++) {
    const user = largestClerkUser(shape);
    const update = { ...user, first_name: "Grace", updated_at: Number(user.updated_at) + 1 };
    const create = await timedDelivery(t, clerkEvent("user.created", user), "inserted");
    const change = await timedDelivery(t, clerkEvent("user.updated", update), "updated");
    if (i < 0) continue;
    created.push(create);
    updated.push(change);
  }
  return { created, updated, bodyBytes: JSON.stringify(clerkEvent("user.created", largestClerkUser(shape))).length };
}

/**
 * Two full backfill passes over `pages` × 500 users, with hooks: one into an empty table (every
 * user inserted), one after every user changed in Clerk (every user updated). Answers each pass's
 * full pages: the heaviest calls of its heaviest mutation.
 */
export async function backfillPages(user: () => UserOverrides, pages: number) {
  const clerkApi = await startClerkApiStandIn();
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = SECRET_KEY;
  try {
    const size = pages * PAGE_SIZE;
    clerkApi.addUsers(size, user);
    const t = createExampleApp();
    const pass = async (expected: "inserted" | "updated") => {
      let run: Awaited<ReturnType<typeof runBackfillToEnd>> | null = null;
      const times = await recordUserTime(async () => {
        run = await runBackfillToEnd(t, { start: "hookedBackfill:start", status: "hookedBackfill:status" });
      });
      const counts = userCounts(run!);
      if (run!.status !== "done" || counts.seen !== size || counts[expected] !== size) {
        throw new Error(`backfill with hooks: ${run!.status}, ${JSON.stringify(counts)}, ${run!.lastError}`);
      }
      const page = heaviest(times).name;
      return mutationsOf(times)
        .filter((time) => time.name === page)
        .sort((a, b) => b.userMs - a.userMs)
        .slice(0, pages);
    };
    const inserted = await pass("inserted");
    for (const id of clerkApi.users.keys()) clerkApi.updateUser(id, { first_name: "Changed" });
    const updated = await pass("updated");
    return { inserted, updated };
  } finally {
    await clerkApi.close();
  }
}

/** A user's fields for the stand-in, which assigns the id and the dates itself. */
function standInFields(user: Record<string, unknown>): UserOverrides {
  const { id: _id, created_at: _created, updated_at: _updated, ...fields } = user;
  return fields as UserOverrides;
}

export const typicalUser = () => standInFields(typicalClerkUser());
export const largestUser = (shape: MetadataShape) => () => standInFields(largestClerkUser(shape));

/**
 * An organization of `MEMBERS` members, each delivered, then deleted: the deletion schedules
 * the removal of its memberships, in batches, each removal running the hook.
 */
export async function membershipCascade() {
  const t = createExampleApp();
  const orgId = "org_bench_cascade";
  await deliver(t, organizationCreated({ id: orgId }));
  for (let i = 0; i < MEMBERS; i++) await deliver(t, membershipCreated({ orgId }));
  await settle(t);
  const times = await recordUserTime(async () => {
    const { status } = await deliver(t, organizationDeleted(orgId));
    if (status !== 200) throw new Error(`organization.deleted answered ${status}`);
    await settle(t);
  });
  const left = await inComponent(t, async (ctx) => (await ctx.db.query("memberships").take(1)).length);
  if (left !== 0) throw new Error("cascade: memberships left after the organization was deleted");
  const batch = heaviest(times).name;
  const batches = mutationsOf(times).filter((time) => time.name === batch && time.nestedCalls > 0);
  const hooks = batches.reduce((sum, time) => sum + time.nestedCalls, 0);
  if (hooks !== MEMBERS) throw new Error(`cascade: ${hooks} hooks ran in the batches, ${MEMBERS} expected`);
  return batches;
}
