// What one ordinary delivery may read, as Convex counts it (index ranges: each query and
// db.get). Each runs in an app whose transactions are limited to its budget: one range more
// and the delivery fails.
import { describe, expect, test } from "vitest";
import clerkTest, { userCreated, userDeleted, userUpdated } from "convex-clerk-sync/test";
import rateLimiterTest from "@convex-dev/rate-limiter/test";
import schema from "../example/convex/schema";
import { convexTest } from "./support/convexRules";
import { deliver, inComponent, modules, SECRET } from "./setup";

/** The example app without hooks (a host's hooks add their own reads), at `indexRanges` a transaction. */
function appReading(indexRanges: number) {
  process.env.CLERK_WEBHOOK_SECRET = SECRET;
  delete process.env.CLERK_WEBHOOK_SIGNING_SECRET;
  const t = convexTest({
    schema,
    modules: { ...modules, "../example/convex/http.ts": () => import("./support/hooklessHttp") },
    transactionLimits: { databaseQueries: indexRanges },
  });
  clerkTest.register(t);
  rateLimiterTest.register(t);
  return t;
}

describe("index ranges per delivery", () => {
  test("user.created reads 3 (its svix-id, the user's tombstone, the user's row), user.updated 3", async () => {
    const t = appReading(3);
    expect(await deliver(t, userCreated({ id: "user_ada", updated_at: 1 }))).toMatchObject({
      status: 200,
      body: { outcome: "inserted" },
    });
    expect(await deliver(t, userUpdated({ id: "user_ada", updated_at: 2 }))).toMatchObject({
      status: 200,
      body: { outcome: "updated" },
    });
  });

  test("a redelivery (same svix-id) reads 1", async () => {
    const t = appReading(1);
    await inComponent(t, (ctx) =>
      ctx.db.insert("deliveries", {
        svixId: "msg_seen",
        eventType: "user.updated",
        outcome: "updated",
        receivedAt: Date.now(),
      }),
    );
    expect(await deliver(t, userUpdated({ id: "user_ada" }), { id: "msg_seen" })).toMatchObject({
      status: 200,
      body: { outcome: "duplicate" },
    });
  });

  test("user.deleted reads 6 (the user's memberships and billing too)", async () => {
    const t = appReading(6);
    await deliver(t, userCreated({ id: "user_ada" }));
    expect(await deliver(t, userDeleted("user_ada"))).toMatchObject({ status: 200, body: { outcome: "deleted" } });
  });
});
