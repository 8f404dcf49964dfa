import {
  createFunctionHandle,
  type FunctionArgs,
  internalActionGeneric,
  type FunctionReference,
  type GenericActionCtx,
  type GenericDataModel,
  type RegisteredAction,
} from "convex/server";
import { v } from "convex/values";
import type {
  BackfillMode,
  BackfillRunStatus,
  BackfillStepPlan,
  BackfillWatermark,
} from "../component/backfillValidators.js";
import { clerkApi, retryDelay, type ClerkApi, type ClerkApiOptions } from "./clerkApi.js";
import type { ComponentApi } from "../component/_generated/component.js";
import { clientSources } from "./backfill/sources.js";
import type { ClerkSync, RunMutationCtx, RunQueryCtx } from "./clerkSync.js";
import { createLogger } from "./logging.js";

export {
  ClerkHeartbeat,
  type ClerkHeartbeatErrorCode,
  type HeartbeatOptions,
  type HeartbeatSetup,
  type HeartbeatStatus,
} from "./heartbeat.js";
export type { RoundTrip } from "../component/heartbeatRecords.js";
/** `"full" | "incremental"`, for a host function's arguments. */
export { vBackfillMode } from "../component/backfillValidators.js";
export type {
  BackfillCounts,
  BackfillKind,
  BackfillMode,
  BackfillPhase,
  BackfillRunStatus,
  BackfillShortfall,
  BackfillWatermark,
  KindCounts,
} from "../component/backfillValidators.js";

export type BackfillOptions = ClerkApiOptions & {
  /** Objects per Backend API page, at most 500 (Clerk's maximum). Default 500. */
  pageSize?: number;
  /**
   * Full passes: afterwards, delete the users (and, with `organizations`, the organizations
   * and memberships) Clerk no longer has, each confirmed with Clerk first. Default true.
   */
  reconcile?: boolean;
  /**
   * Full passes: also sync organizations and memberships, then the instance's organization
   * permissions and roles (after the users). Default false: turn it on when the Clerk
   * instance has Organizations enabled.
   */
  organizations?: boolean;
  /**
   * Full passes: also sync Clerk Billing (after organizations): the plans' features, then
   * every subscription item, free plans' included, so `getSubscription`, `hasPlan` and
   * `hasFeature` answer for users and organizations. Default false: turn it on when the
   * instance has Billing enabled (Clerk answers its billing lists with an error otherwise).
   */
  billing?: boolean;
  /**
   * The pace of Clerk requests. Clerk allows 100 per 10 s on development instances and
   * 1000 on production; the default, 50, leaves room for the app's other calls on either.
   */
  requestsPer10Seconds?: number;
  /** Wait after a failed request other than a 429 (which waits for `Retry-After`). Default 30 s. */
  retryDelayMs?: number;
};

/** What `start` runs. */
export type BackfillStartOptions = {
  /**
   * `full` (default): every user by Clerk's cursor (then organizations and memberships if
   * enabled), then reconciliation. `incremental`: only the users Clerk updated since the
   * last completed pass, most recent first, stopping at that watermark; no deletions. With
   * no completed pass yet, an incremental start runs a full pass.
   */
  mode?: BackfillMode | undefined;
};

type StepArgs = { runId: string; token: number };
/** The host's exported step action, e.g. `internal.clerk.backfillStep`. */
export type BackfillStepReference = FunctionReference<"action", "internal", StepArgs, null>;

/**
 * A resumable backfill and reconciliation from Clerk's Backend API. Each step makes one
 * Clerk request (a page), then one component mutation stores it under the webhook rules
 * and schedules the next step; a watchdog restarts a step that never reports.
 *
 * ```ts
 * const backfill = new ClerkBackfill(clerk);
 * export const backfillStep = backfill.step;
 * export const startBackfill = internalMutation({
 *   args: { mode: v.optional(v.union(v.literal("full"), v.literal("incremental"))) },
 *   handler: (ctx, { mode }): Promise<BackfillStart> => backfill.start(ctx, internal.clerk.backfillStep, { mode }),
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

  /**
   * Start a pass, or get the one already running (`started: false`). A full start takes
   * over from a running incremental pass.
   */
  async start(
    ctx: RunMutationCtx,
    step: BackfillStepReference,
    options: BackfillStartOptions = {},
  ): Promise<BackfillStart> {
    return ctx.runMutation(this.clerk.component.backfill.start, {
      step: await createFunctionHandle(step),
      hooks: await this.clerk.hookHandles(),
      pageSize: this.options.pageSize ?? 500,
      reconcile: this.options.reconcile ?? true,
      organizations: this.options.organizations ?? false,
      billing: this.options.billing ?? false,
      requestsPer10Seconds: this.options.requestsPer10Seconds ?? 50,
      ...(options.mode ? { mode: options.mode } : {}),
    });
  }

  /** A run's state (default: the latest run), or null. */
  async status(ctx: RunQueryCtx, runId?: string): Promise<BackfillRunStatus | null> {
    return ctx.runQuery(this.clerk.component.backfill.status, runId === undefined ? {} : { runId });
  }

  /** Where the next incremental pass starts (from the last completed pass), or null before the first. */
  async watermark(ctx: RunQueryCtx): Promise<BackfillWatermark | null> {
    return ctx.runQuery(this.clerk.component.backfill.watermark, {});
  }

  /** Cancel the running run; returns it, or null if none was running. */
  async cancel(ctx: RunMutationCtx): Promise<BackfillRunStatus | null> {
    return ctx.runMutation(this.clerk.component.backfill.cancel, {});
  }

  private async runStep(ctx: GenericActionCtx<GenericDataModel>, { runId, token }: StepArgs) {
    const component = this.clerk.component.backfill;
    const plan = await ctx.runQuery(component.plan, { runId, token });
    if (!plan) return; // canceled, finished, or superseded by a newer step
    const retryDelayMs = this.options.retryDelayMs ?? 30_000;
    const retryLater = async (delayMs: number, error: string, requests: number, storeFailed = false) => {
      createLogger(this.clerk.options.logLevel).warn(`backfill ${runId}: ${error}`);
      await ctx.runMutation(component.retryLater, { runId, token, delayMs, error, requests, storeFailed });
    };

    const api = clerkApi(this.options);
    if (typeof api === "string") return retryLater(60_000, api, 0);
    // 1. Ask Clerk. A failure here is Clerk's (or the network's): wait as told, then retry.
    let report: Report;
    try {
      report = plan.step === "list" ? await readPage(api, plan) : await confirmGone(api, plan);
    } catch (error) {
      const { delayMs, message } = retryDelay(error, retryDelayMs);
      return retryLater(delayMs, message, api.requests);
    }
    // 2. Store what Clerk said. A failure here is ours (a hook threw, a limit was hit).
    try {
      const args = { runId, token, requests: api.requests };
      if (report.step === "list") await ctx.runMutation(component.applyPage, { ...args, ...report.args });
      else await ctx.runMutation(component.applyReconcile, { ...args, ...report.args });
    } catch (error) {
      const message = `storing the page failed: ${error instanceof Error ? error.message : String(error)}`;
      await retryLater(retryDelayMs, message, api.requests, true);
    }
  }
}

type ApplyPageArgs = FunctionArgs<ComponentApi["backfill"]["applyPage"]>;
type ApplyReconcileArgs = FunctionArgs<ComponentApi["backfill"]["applyReconcile"]>;
type Shared = "runId" | "token" | "requests";
/** What a step reports to the component: a page, or the candidates Clerk confirmed gone. */
type Report =
  { step: "list"; args: Omit<ApplyPageArgs, Shared> } | { step: "reconcile"; args: Omit<ApplyReconcileArgs, Shared> };

/**
 * One page of the plan's list, normalized: one request, and Clerk's count of the list when the
 * plan asks for it (before the page, at the start of a full pass; after a page shorter than asked for).
 */
async function readPage(api: ClerkApi, plan: Extract<BackfillStepPlan, { step: "list" }>): Promise<Report> {
  const source = clientSources[plan.kind];
  const counted = plan.count === "always" && source.count ? await source.count(api) : undefined;
  const { items, total: listTotal, heartbeats } = await source.list(api, plan.position, plan.pageSize);
  let total = listTotal ?? counted;
  if (total === undefined && plan.count === "ifShort" && items.length < plan.pageSize && source.count) {
    total = await source.count(api);
  }
  // The component checks the page against the kind's own validator.
  const page = { kind: plan.kind, items } as ApplyPageArgs["page"];
  const skip = heartbeats?.length ? { skip: heartbeats } : {};
  return { step: "list", args: { page, ...skip, ...(total !== undefined ? { total } : {}) } };
}

/** Of the plan's candidates, those Clerk confirms it no longer has. */
async function confirmGone(api: ClerkApi, plan: Extract<BackfillStepPlan, { step: "reconcile" }>): Promise<Report> {
  const gone = (await clientSources[plan.kind].gone?.(api, plan.candidates)) ?? [];
  return { step: "reconcile", args: { kind: plan.kind, gone, nextCursor: plan.nextCursor } };
}

export type BackfillStart = { started: boolean; run: BackfillRunStatus };
