import {
  createFunctionHandle,
  internalActionGeneric,
  type FunctionReference,
  type GenericActionCtx,
  type GenericDataModel,
  type RegisteredAction,
} from "convex/server";
import { v } from "convex/values";
import type { BackfillRunStatus } from "../component/backfillValidators.js";
import {
  clerkClient,
  fetchBackfillPage,
  fetchUser,
  REQUESTS_PER_PAGE,
  retryDelay,
  type ClerkApiOptions,
} from "./clerkApi.js";
import type { ClerkSync, RunMutationCtx, RunQueryCtx } from "./clerkSync.js";

export type { BackfillCounts, BackfillRunStatus } from "../component/backfillValidators.js";

export type BackfillOptions = ClerkApiOptions & {
  /** Users per Backend API page, at most 500 (Clerk's maximum). Default 500. */
  pageSize?: number;
  /** After a complete pass, delete users Clerk no longer has. Default true. */
  reconcile?: boolean;
  /**
   * Also sync organizations and memberships (after the users). Default false: turn it on
   * when the Clerk instance has Organizations enabled.
   */
  organizations?: boolean;
  /**
   * The pace of Clerk requests. Clerk allows 100 per 10 s on development instances and
   * 1000 on production; the default, 50, leaves room for the app's other calls on either.
   */
  requestsPer10Seconds?: number;
  /** Wait after a failed request other than a 429 (which waits for `Retry-After`). Default 30 s. */
  retryDelayMs?: number;
};

type StepArgs = { runId: string; token: number };
/** The host's exported step action, e.g. `internal.clerk.backfillStep`. */
export type BackfillStepReference = FunctionReference<"action", "internal", StepArgs, null>;

/**
 * A resumable backfill and reconciliation of the users table from Clerk's Backend API.
 * Each step fetches one page, then one component mutation stores it under the webhook
 * rules and schedules the next step; a watchdog restarts a step that never reports.
 *
 * ```ts
 * const backfill = new ClerkBackfill(clerk);
 * export const backfillStep = backfill.step;
 * export const startBackfill = internalMutation({
 *   args: {},
 *   handler: (ctx): Promise<BackfillStart> => backfill.start(ctx, internal.clerk.backfillStep),
 * });
 * ```
 */
export class ClerkBackfill {
  /** Export this from a host module: the scheduler runs it, one page per call. */
  readonly step: RegisteredAction<"internal", StepArgs, Promise<null>>;

  constructor(
    private readonly clerk: ClerkSync,
    private readonly options: BackfillOptions = {},
  ) {
    this.step = internalActionGeneric({
      args: { runId: v.string(), token: v.number() },
      returns: v.null(),
      handler: async (ctx: GenericActionCtx<GenericDataModel>, args: StepArgs) => {
        await this.runStep(ctx, args);
        return null;
      },
    }) as RegisteredAction<"internal", StepArgs, Promise<null>>;
  }

  /** Start a run, or get the one already running (`started: false`). */
  async start(ctx: RunMutationCtx, step: BackfillStepReference): Promise<BackfillStart> {
    return ctx.runMutation(this.clerk.component.backfill.start, {
      step: await createFunctionHandle(step),
      hooks: await this.clerk.hookHandles(),
      pageSize: this.options.pageSize ?? 500,
      reconcile: this.options.reconcile ?? true,
      organizations: this.options.organizations ?? false,
      requestsPer10Seconds: this.options.requestsPer10Seconds ?? 50,
    });
  }

  /** A run's state (default: the latest run), or null. */
  async status(ctx: RunQueryCtx, runId?: string): Promise<BackfillRunStatus | null> {
    return ctx.runQuery(this.clerk.component.backfill.status, { runId });
  }

  /** Cancel the running run; returns it, or null if none was running. */
  async cancel(ctx: RunMutationCtx): Promise<BackfillRunStatus | null> {
    return ctx.runMutation(this.clerk.component.backfill.cancel, {});
  }

  private async runStep(ctx: GenericActionCtx<GenericDataModel>, { runId, token }: StepArgs) {
    const component = this.clerk.component.backfill;
    const plan = await ctx.runQuery(component.plan, { runId, token });
    if (!plan) return; // canceled, finished, or superseded by a newer step
    let requests = 0;
    const retryLater = (delayMs: number, error: string) =>
      ctx.runMutation(component.retryLater, { runId, token, delayMs, error, requests });

    const client = clerkClient(this.options);
    if (typeof client === "string") return void (await retryLater(60_000, client));
    const retryDelayMs = this.options.retryDelayMs ?? 30_000;
    const fail = async (delayMs: number, message: string) => {
      console.warn(`[clerk-sync] backfill ${runId}: ${message}`);
      await retryLater(delayMs, message);
    };

    // 1. Ask Clerk. A failure here is Clerk's (or the network's): wait as told, then retry.
    let apply: () => Promise<unknown>;
    try {
      if (plan.phase !== "reconcile") {
        requests += plan.phase === "users" ? REQUESTS_PER_PAGE : 1;
        const { page, size, clerkTotal } = await fetchBackfillPage(client, plan.phase, plan.offset, plan.pageSize);
        const lastPage = size < plan.pageSize;
        apply = () => ctx.runMutation(component.applyPage, { runId, token, page, lastPage, requests, clerkTotal });
      } else {
        const gone: string[] = [];
        for (const clerkId of plan.candidates) {
          requests++;
          if ((await fetchUser(client, clerkId)) === null) gone.push(clerkId);
        }
        const { nextAfter } = plan;
        apply = () => ctx.runMutation(component.applyReconcile, { runId, token, gone, nextAfter, requests });
      }
    } catch (error) {
      const { delayMs, message } = retryDelay(error, retryDelayMs);
      return fail(delayMs, message);
    }
    // 2. Store what Clerk said. A failure here is ours (a hook threw, a limit was hit).
    try {
      await apply();
    } catch (error) {
      await fail(retryDelayMs, `storing the page failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export type BackfillStart = { started: boolean; run: BackfillRunStatus };
