import path from "node:path";
import { fileURLToPath } from "node:url";
import { convexTest } from "../../tests/support/convexRules.js";
import { makeFunctionReference, mutationGeneric, type GenericMutationCtx, type GenericDataModel } from "convex/server";
import naiveSchema from "../naive/convex/schema.js";
import { globModules, observeCalls } from "./modules.js";
import { installUserClock, recordUserTime } from "./userTime.js";

/** JavaScript time each checked function spends, and the tolerance of the check. */
const SPIN_MS = 30;
const TOLERANCE_MS = 15;
/** Rows the checked function scans with `.filter` (mock time, to be left out), and scans. */
const ROWS = 1_000;
const SCANS = 25;

function spin(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

async function scan(ctx: GenericMutationCtx<GenericDataModel>) {
  for (let i = 0; i < SCANS; i++) {
    await ctx.db
      .query("users")
      .filter((q) => q.eq(q.field("clerkUserId"), "nobody"))
      .first();
  }
}

/** A module of two mutations: `outer` spins, then runs `inner` (which spins and scans) as a hook would. */
const clockCheck = {
  inner: mutationGeneric({
    args: {},
    handler: async (ctx) => {
      spin(SPIN_MS);
      await scan(ctx);
      return null;
    },
  }),
  outer: mutationGeneric({
    args: {},
    handler: async (ctx) => {
      spin(SPIN_MS);
      await ctx.runMutation(makeFunctionReference<"mutation">("clockCheck:inner"), {});
      return null;
    },
  }),
};

/**
 * Before trusting the clock, check it on a known function, in an app under the rules layer
 * as section 6's (so the clock goes above the layer's checks): `outer` spends 2 × SPIN_MS in
 * JavaScript, half of it in a nested call, and the nested call scans a table with `.filter`,
 * work done inside convex-test. Timed on an empty table, then on 1,000 rows: the user time
 * must stay ≈ 2 × SPIN_MS while the wall time grows with the scans. If convex-test changes
 * how syscalls or nested calls run, the bench stops here.
 */
export async function checkUserClock() {
  const dir = fileURLToPath(new URL("../naive/convex", import.meta.url));
  const modules = { ...globModules(dir), [path.join(dir, "clockCheck.ts")]: async () => clockCheck };
  const t = convexTest(naiveSchema, observeCalls(modules, "check"));
  installUserClock();
  const empty = await fastestOfThree(t);
  await t.run(async (ctx) => {
    for (let i = 0; i < ROWS; i++) {
      await ctx.db.insert("users", { clerkUserId: `u${i}`, name: "", email: null, imageUrl: null });
    }
  });
  const full = await fastestOfThree(t);
  const fail = (what: string) => {
    throw new Error(
      `user-time self-check: ${what} (empty table ${JSON.stringify(empty)}, full ${JSON.stringify(full)})`,
    );
  };
  // What is not spinning runs slower when other processes have the cores (the spins end by the clock).
  const tolerance = TOLERANCE_MS / Math.max(full.cpuShare, 0.25);
  if (full.nestedCalls !== 1) fail("expected one nested call");
  if (full.userMs < 2 * SPIN_MS || full.userMs > 2 * SPIN_MS + tolerance) fail(`user time not ≈ ${2 * SPIN_MS} ms`);
  if (full.nestedMs < SPIN_MS || full.nestedMs > SPIN_MS + tolerance) fail(`nested time not ≈ ${SPIN_MS} ms`);
  const userGrowth = Math.max(0, full.userMs - empty.userMs);
  if (full.wallMs - empty.wallMs < 4 * userGrowth) fail("the scans' time was counted as user code");
}

/** `outer` three times (the first also warms the code up): the run with the least user time. */
async function fastestOfThree(t: ReturnType<typeof convexTest>) {
  const times = await recordUserTime(async () => {
    for (let i = 0; i < 3; i++) await t.mutation(makeFunctionReference<"mutation">("clockCheck:outer"), {});
  });
  if (times.length !== 3) throw new Error(`user-time self-check: ${times.length} mutations timed, 3 expected`);
  return times.reduce((a, b) => (b.userMs < a.userMs ? b : a));
}
