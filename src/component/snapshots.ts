import type { FunctionHandle, WithoutSystemFields } from "convex/server";
import type { Doc } from "./_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "./_generated/server.js";
import {
  MIRROR_DUPLICATE_ROWS,
  MIRROR_USER_DELETED,
  type BillingHookEvent,
  type ChangeContext,
  type ChangeOutcome,
  type OrganizationHookEvent,
  type UserHookEvent,
} from "./changes.js";
import { recordFailure } from "./failures.js";
import { addTombstone, isTombstoned } from "./tombstones.js";

/** The tables that hold synced Clerk objects. */
export type SyncedTable =
  | "users"
  | "organizations"
  | "memberships"
  | "invitations"
  | "roles"
  | "permissions"
  | "subscriptions"
  | "subscriptionItems";

/** A real change to a synced object, as the kind's hook sees it. */
export type KindChange<R> =
  | { type: "created"; id: string; record: R; previous: null }
  | { type: "updated"; id: string; record: R; previous: R }
  | { type: "deleted"; id: string; record: null; previous: R };

/**
 * What the snapshot rules need to know about one kind of Clerk object. Each kind is
 * declared next to its table's functions (users.ts, organizations.ts, memberships.ts, invitations.ts, roles.ts,
 * billing.ts).
 */
export type SyncedKind<T extends SyncedTable, R extends { updatedAt: number }> = {
  table: T;
  /** The Clerk id a snapshot is about. */
  idOf(record: R): string;
  /** The stored row for a Clerk id (through the table's unique index). */
  find(ctx: QueryCtx, id: string): Promise<Doc<T> | null>;
  toRow(record: R): WithoutSystemFields<Doc<T>>;
  toRecord(row: Doc<T>): R;
  /** Other Clerk ids whose deletion makes a snapshot stale (a membership's organization and user). */
  parentsOf?(record: R): (string | null)[];
  /**
   * The record to store from a newer and an older version. Default: the newer one. Returns
   * `newer` itself when the older adds nothing, so a stale snapshot that adds something
   * (a member's user id) is still written.
   */
  merge?(newer: R, older: R): R;
  /** Run the host's hook for a real change, inside the same mutation. */
  notify(ctx: MutationCtx, context: ChangeContext, change: KindChange<R>): Promise<HookAnswer | void>;
  /** After a deletion (or the tombstone of an object never stored): cascade to children. */
  afterDelete?(ctx: MutationCtx, id: string, context: ChangeContext): Promise<void>;
};

/**
 * Whether a snapshot of an object neither stored nor tombstoned may be inserted now, or why not:
 * `stale`, or (a delivered user) `deferred` or `held` until a full pass decides.
 */
export type AdmitNew<R> = (record: R) => Promise<"apply" | NotAdmitted>;
export type NotAdmitted = "stale" | "deferred" | "held";

/**
 * The only place that decides whether a snapshot is stored, for every kind of object:
 * a tombstoned object (or parent) makes it stale; an older `updated_at` than the stored
 * one is stale; an equal one is unchanged; a newer one replaces the row and runs the hook.
 */
export function applySnapshot<T extends SyncedTable, R extends { updatedAt: number }>(
  ctx: MutationCtx,
  kind: SyncedKind<T, R>,
  record: R,
  context: ChangeContext,
): Promise<ChangeOutcome>;
export function applySnapshot<T extends SyncedTable, R extends { updatedAt: number }>(
  ctx: MutationCtx,
  kind: SyncedKind<T, R>,
  record: R,
  context: ChangeContext,
  admitNew: AdmitNew<R>,
): Promise<ChangeOutcome | NotAdmitted>;
export async function applySnapshot<T extends SyncedTable, R extends { updatedAt: number }>(
  ctx: MutationCtx,
  kind: SyncedKind<T, R>,
  record: R,
  context: ChangeContext,
  admitNew?: AdmitNew<R>,
): Promise<ChangeOutcome | NotAdmitted> {
  const id = kind.idOf(record);
  for (const tombstoned of [id, ...(kind.parentsOf?.(record) ?? [])]) {
    if (tombstoned !== null && (await isTombstoned(ctx, tombstoned))) return "stale";
  }
  const existing = await kind.find(ctx, id);
  if (!existing) {
    // Decided only here, where the row and its tombstone have been read anyway.
    const admission = admitNew ? await admitNew(record) : "apply";
    if (admission !== "apply") return admission;
    const rowId = await ctx.db.insert(kind.table, kind.toRow(record) as never);
    if ((await kind.notify(ctx, context, { type: "created", id, record, previous: null })) === "deleted") {
      // The host's row says the object was deleted before the component held it: a late replay.
      await ctx.db.delete(kind.table, rowId);
      await applyDeletion(ctx, kind, id, context);
      return "stale";
    }
    return "inserted";
  }
  const stored = kind.toRecord(existing);
  const merge = kind.merge ?? ((newer: R) => newer);
  const isNewer = record.updatedAt > stored.updatedAt;
  const next = isNewer ? merge(record, stored) : merge(stored, record);
  if (!isNewer && next === stored) return record.updatedAt < stored.updatedAt ? "stale" : "unchanged";
  await ctx.db.replace(kind.table, existing._id, kind.toRow(next) as never);
  await kind.notify(ctx, context, { type: "updated", id, record: next, previous: stored });
  return "updated";
}

/** The only place that applies a deletion: the row goes, a tombstone stays, children follow. */
export async function applyDeletion<T extends SyncedTable, R extends { updatedAt: number }>(
  ctx: MutationCtx,
  kind: SyncedKind<T, R>,
  id: string,
  context: ChangeContext,
): Promise<ChangeOutcome> {
  const existing = await kind.find(ctx, id);
  if (existing) {
    // Children may have arrived before (or without) the object itself.
    await kind.afterDelete?.(ctx, id, context);
    await removeRow(ctx, kind, existing, context);
    return "deleted";
  }
  if ((await addTombstone(ctx, id)) === "existed") return "unchanged";
  await kind.afterDelete?.(ctx, id, context);
  return "tombstoned";
}

/**
 * Delete a stored row, tombstone its id and run the hook: for deletions, and for cascades (a
 * deleted organization's or user's memberships and billing), so that no later snapshot of a
 * cascaded row, even one that no longer names its parent, brings it back.
 */
export async function removeRow<T extends SyncedTable, R extends { updatedAt: number }>(
  ctx: MutationCtx,
  kind: SyncedKind<T, R>,
  row: Doc<T>,
  context: ChangeContext,
) {
  const previous = kind.toRecord(row);
  const id = kind.idOf(previous);
  await addTombstone(ctx, id);
  await ctx.db.delete(kind.table, row._id);
  await kind.notify(ctx, context, { type: "deleted", id, record: null, previous });
}

/** What became of a change a hook was run for: applied, or refused as a deletion the host already holds. */
export type HookAnswer = "applied" | "deleted";

/**
 * Run a host hook mutation inside the caller's mutation: if it throws, nothing of the
 * change is written, and the caller (a webhook delivery) fails and is retried. Except for a
 * `mirrorUsers` hook's refusals (`ctx.runMutation` is a sub-transaction, so the hook's writes are
 * rolled back): its table holds several rows for the user (`MIRROR_DUPLICATE_ROWS`), so the
 * component's change stays and the refusal is recorded as a failure that names the rows (against
 * `svixId`, for a delivery); or its row says the user was deleted (`MIRROR_USER_DELETED`), answered
 * `deleted` for the caller to tombstone the user.
 */
export async function runHook(
  ctx: MutationCtx,
  handle: string | undefined,
  event: UserHookEvent | OrganizationHookEvent | BillingHookEvent,
  svixId = "",
): Promise<HookAnswer> {
  if (!handle) return "applied";
  try {
    await ctx.runMutation(handle as FunctionHandle<"mutation", { event: typeof event }>, { event });
  } catch (error) {
    const refusal = mirrorRefusal(error);
    if (refusal?.code === MIRROR_USER_DELETED) return "deleted";
    if (refusal?.code !== MIRROR_DUPLICATE_ROWS) throw error;
    await recordFailure(ctx, {
      svixId,
      eventType: event.type,
      reason: "mirror_duplicate_rows",
      detail: refusal.message,
    });
  }
  return "applied";
}

/** The code and message of a `mirrorUsers` hook's refusal, or null for any other error. */
function mirrorRefusal(error: unknown): { code: string; message: string } | null {
  if (typeof error !== "object" || error === null || !("data" in error)) return null;
  let data = error.data;
  // ConvexError data crosses a function call as its JSON text where no runtime restored it.
  if (typeof data === "string") {
    try {
      data = JSON.parse(data) as unknown;
    } catch {
      return null;
    }
  }
  if (typeof data !== "object" || data === null || !("code" in data)) return null;
  const { code } = data;
  if (code !== MIRROR_DUPLICATE_ROWS && code !== MIRROR_USER_DELETED) return null;
  return { code, message: "message" in data && typeof data.message === "string" ? data.message : code };
}
