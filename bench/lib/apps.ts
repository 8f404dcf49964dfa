import path from "node:path";
import { fileURLToPath } from "node:url";
import { convexTest } from "convex-test";
import type { Value } from "convex/values";
import { normalizeUser } from "../../src/client/normalize.js";
import componentSchema from "../../src/component/schema.js";
import type { SignedDelivery } from "../../src/events/sign.js";
import { inComponent, postDelivery, SECRET } from "../../tests/support/app.js";
import hostSchema from "../host/convex/schema.js";
import naiveSchema from "../naive/convex/schema.js";
import { userAttributes } from "../naive/convex/users.js";
import { installMeter } from "./meter.js";
import { globModules, observeCalls, type ModuleMap } from "./modules.js";
import type { ClerkUserJSON } from "./payloads.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const modules = {
  component: globModules(path.join(root, "src/component")),
  host: globModules(path.join(root, "bench/host/convex")),
  naive: globModules(path.join(root, "bench/naive/convex")),
};

/** Rows per seeding transaction. */
const SEED_BATCH = 10_000;

export type AppName = "ours" | "naive";

/** One app under test: ours (a host with the component mounted) or the naive one. */
export type BenchApp = {
  name: AppName;
  /** Insert users directly, as if they had synced long ago; returns the ids. */
  seed(count: number, makeUser: () => ClerkUserJSON): Promise<string[]>;
  /** POST a signed delivery to the webhook route through `t.fetch`. */
  deliver(delivery: SignedDelivery): Promise<{ status: number; outcome: string | null }>;
  /** Let functions the delivery scheduled finish, so they are part of what it cost. */
  settle(): Promise<void>;
  /** The convex-test instance, for what the section drives itself (the backfill). */
  t: ReturnType<typeof convexTest>;
  /** The component's tables (ours) or the app's (naive). */
  tables: string;
};

/**
 * A fresh in-memory deployment, on plain convex-test: the naive app reads more documents
 * than Convex allows at 100,000 users, which the rules layer would refuse (section 1 reports
 * that it would). `counted` wraps its functions for the meter.
 */
export function createApp(name: AppName, { counted }: { counted: boolean }): BenchApp {
  process.env.CLERK_WEBHOOK_SECRET = SECRET;
  const wrap = (map: ModuleMap, label: string) => (counted ? observeCalls(map, label) : map);
  const t =
    name === "ours"
      ? convexTest(hostSchema, wrap(modules.host, "app"))
      : convexTest(naiveSchema, wrap(modules.naive, "app"));
  if (name === "ours") t.registerComponent("clerk", componentSchema, wrap(modules.component, "clerk"));
  installMeter();
  const tables = name === "ours" ? "clerk" : "";
  const insertRows = (table: string, rows: Record<string, Value>[]) =>
    inComponent(
      t,
      async (ctx) => {
        for (const row of rows) await ctx.db.insert(table as "users", row as never);
      },
      tables,
    );

  return {
    name,
    t,
    tables,
    async seed(count, makeUser) {
      const ids: string[] = [];
      for (let done = 0; done < count; done += SEED_BATCH) {
        const users = Array.from({ length: Math.min(SEED_BATCH, count - done) }, makeUser);
        ids.push(...users.map((user) => user.id));
        await insertRows(
          "users",
          users.map((user) => (name === "ours" ? componentRow(user) : userAttributes(user))),
        );
      }
      return ids;
    },
    async deliver(delivery) {
      const { status, body } = await postDelivery(t, delivery);
      return { status, outcome: body.outcome ?? null };
    },
    async settle() {
      // convex-test starts scheduled functions from a timer: let it fire, then wait.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await t.finishInProgressScheduledFunctions();
    },
  };
}

/** The row the component stores for a user, as its `applyUserSnapshot` writes it. */
function componentRow(user: ClerkUserJSON) {
  const record = normalizeUser(user);
  return { ...record, emailLower: record.email?.toLowerCase() ?? null };
}
