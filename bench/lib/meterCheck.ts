import { fileURLToPath } from "node:url";
import { convexTest } from "convex-test";
import type { GenericMutationCtx, GenericDataModel } from "convex/server";
import naiveSchema from "../naive/convex/schema.js";
import { installMeter, measure } from "./meter.js";
import { globModules } from "./modules.js";

type Ctx = GenericMutationCtx<GenericDataModel>;

/**
 * Before trusting the meter, check it on a 10-row table against what the backend
 * would read. If convex-test changes how it streams queries, the bench stops here.
 */
export async function checkMeter() {
  const t = convexTest(naiveSchema, globModules(fileURLToPath(new URL("../naive/convex", import.meta.url))));
  installMeter();
  await t.run(async (ctx) => {
    for (let i = 0; i < 10; i++)
      await ctx.db.insert("users", { clerkUserId: `u${i}`, name: "", email: null, imageUrl: null });
  });
  const byId = (ctx: Ctx, id: string) => ctx.db.query("users").filter((q) => q.eq(q.field("clerkUserId"), id));
  const cases: Array<[string, number, (ctx: Ctx) => Promise<unknown>]> = [
    ["filter + first() stops at the match", 4, (ctx) => byId(ctx, "u3").first()],
    ["filter + unique() reads the whole table", 10, (ctx) => byId(ctx, "u3").unique()],
    ["take(3) reads 3", 3, (ctx) => ctx.db.query("users").take(3)],
  ];
  for (const [name, expected, query] of cases) {
    const { docsRead } = await measure(async () => {
      await t.run(async (ctx) => void (await query(ctx)));
    });
    if (docsRead !== expected) throw new Error(`meter self-check: ${name}: counted ${docsRead}, expected ${expected}`);
  }
}
