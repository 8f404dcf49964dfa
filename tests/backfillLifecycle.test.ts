// @vitest-environment node
// The run lifecycle as a table: each state a run can be in, against each call a step, the
// host or the scheduler makes. Only the current step of a running run (and the host's start
// and cancel) changes anything; every other call answers "no" and writes nothing.
import { describe, expect, test } from "vitest";
import type { FunctionArgs } from "convex/server";
import { components, internal } from "../example/convex/_generated/api";
import { useClerkApiStandIn } from "./backfillSetup";
import { inComponent, initConvexTest, type TestApp } from "./setup";

useClerkApiStandIn();
const backfill = components.clerk.backfill;

type State = {
  status: "running" | "done" | "incomplete" | "canceled";
  stage: "list" | "reconcile";
  token: "current" | "stale";
};
type Call = "plan" | "applyPage" | "applyReconcile" | "retryLater" | "cancel" | "start";
/** What each call answers; a call that answers false, null or `started: false` writes nothing to the run. */
type Answers = Record<Call, boolean>;

const rows: [State, Answers][] = [
  [
    { status: "running", stage: "list", token: "current" },
    { plan: true, applyPage: true, applyReconcile: false, retryLater: true, cancel: true, start: false },
  ],
  [
    { status: "running", stage: "reconcile", token: "current" },
    { plan: true, applyPage: false, applyReconcile: true, retryLater: true, cancel: true, start: false },
  ],
  [
    { status: "running", stage: "list", token: "stale" },
    { plan: false, applyPage: false, applyReconcile: false, retryLater: false, cancel: true, start: false },
  ],
  ...(["done", "incomplete", "canceled"] as const).map((status): [State, Answers] => [
    { status, stage: "list", token: "current" },
    { plan: false, applyPage: false, applyReconcile: false, retryLater: false, cancel: false, start: true },
  ]),
];

/** Put the app's one run in `state`; answers its id and the token a step would hold. */
async function putRun(t: TestApp, state: State) {
  return inComponent(t, async (ctx) => {
    const run = (await ctx.db.query("backfillRuns").order("asc").first())!;
    for (const later of await ctx.db.query("backfillRuns").collect()) {
      if (later._id !== run._id) await ctx.db.delete(later._id);
    }
    const stageIndex = run.stages.findIndex((stage) => stage.step === state.stage && stage.kind === "users");
    await ctx.db.patch(run._id, { status: state.status, stageIndex, token: 7, lastError: null });
    return { runId: run._id as string, token: state.token === "current" ? 7 : 6 };
  });
}

/** Make one call as its caller would; answers whether it acted. */
async function call(t: TestApp, name: Call, step: { runId: string; token: number }): Promise<boolean> {
  const page: FunctionArgs<typeof backfill.applyPage>["page"] = { kind: "users", items: [] };
  switch (name) {
    case "plan":
      return (await t.query(async (ctx) => ctx.runQuery(backfill.plan, step))) !== null;
    case "applyPage":
      return t.mutation(async (ctx) => ctx.runMutation(backfill.applyPage, { ...step, page, requests: 1 }));
    case "applyReconcile":
      return t.mutation(async (ctx) =>
        ctx.runMutation(backfill.applyReconcile, { ...step, kind: "users", gone: [], nextCursor: "x", requests: 1 }),
      );
    case "retryLater":
      return t.mutation(async (ctx) =>
        ctx.runMutation(backfill.retryLater, { ...step, delayMs: 1000, error: "Clerk answered 500", requests: 1 }),
      );
    case "cancel":
      return (await t.mutation(internal.backfill.cancel, {})) !== null;
    case "start":
      return (await t.mutation(internal.backfill.start, {})).started;
  }
}

const runDoc = (t: TestApp, runId: string) =>
  inComponent(t, (ctx) => ctx.db.get(ctx.db.normalizeId("backfillRuns", runId)!));

describe("the run lifecycle", () => {
  test.each(rows)("a run %o", async (state, answers) => {
    const t = initConvexTest();
    await t.mutation(internal.backfill.start, {});
    for (const name of Object.keys(answers) as Call[]) {
      const step = await putRun(t, state);
      const before = await runDoc(t, step.runId);
      const acted = await call(t, name, step);
      expect({ call: name, acted }).toEqual({ call: name, acted: answers[name] });
      // plan only reads; a call that did not act left the run as it was.
      if (!acted || name === "plan") expect(await runDoc(t, step.runId)).toEqual(before);
    }
  });
});
