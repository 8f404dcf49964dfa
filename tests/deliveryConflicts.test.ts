// Optimistic concurrency: on a deployment a mutation that read a document another mutation
// wrote meanwhile runs again. A delivery must not read what every step of a backfill writes.
import { expect, test } from "vitest";
import { userUpdated } from "convex-clerk-sync/test";
import { clerkApi, drain, initUsersBackfillApp, startWithPageSize, useClerkApiStandIn } from "./backfillSetup";
import { recordDocumentAccess } from "./support/documentAccess";
import { deliver } from "./setup";

useClerkApiStandIn();

test("a delivery of a user the component does not hold reads no document the pass's steps write, but where a stage starts or ends", async () => {
  const t = initUsersBackfillApp();
  clerkApi.addUsers(12);
  // A user Clerk no longer has, created long ago: each delivery of it asks the full pass.
  const replay = userUpdated({ id: "user_gone", created_at: 1, updated_at: 2 });
  await startWithPageSize(t, 2);
  const log = recordDocumentAccess();
  const outcomes = new Set<string>();
  await drain(t, async () => void outcomes.add((await deliver(t, replay)).body.outcome!));
  log.stop();

  // While the pass lists users the delivery waits for it; once past them, it is stale.
  expect([...outcomes].sort()).toEqual(["deferred", "stale"]);
  const inComponent = log.accesses.filter((access) => access.componentPath !== "");
  const readByDeliveries = new Set(
    inComponent.filter((a) => a.udfPath === "deliveries:apply" && a.access === "read").map((a) => a.id),
  );
  const passWrites = inComponent.filter((a) => a.udfPath.startsWith("backfill:") && a.access === "write");
  const steps = inComponent.filter((a) => a.udfPath === "backfill:applyPage" && a.access === "read").length;
  expect(steps).toBeGreaterThanOrEqual(6);
  // The users stage ending and the run ending: not one write per step.
  expect(passWrites.filter((write) => readByDeliveries.has(write.id)).map((write) => write.udfPath)).toEqual([
    "backfill:applyPage",
    "backfill:applyReconcile",
  ]);
});
