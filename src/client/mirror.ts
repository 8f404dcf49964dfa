import type {
  DocumentByName,
  GenericDataModel,
  GenericMutationCtx,
  IndexNames,
  MutationBuilder,
  NamedIndex,
  NamedTableInfo,
  PaginationOptions,
  RegisteredMutation,
  TableNamesInDataModel,
  WithoutSystemFields,
} from "convex/server";
import { compareValues, ConvexError, type GenericId, type Value } from "convex/values";
import { MIRROR_DUPLICATE_ROWS, MIRROR_USER_DELETED, type UserHookEvent } from "../component/changes.js";
import type { ClerkSync } from "./clerkSync.js";
import { defineUserEventHandlers } from "./hooks.js";
import type { SyncedUser } from "./synced.js";

type Fields<DM extends GenericDataModel, T extends TableNamesInDataModel<DM>> = WithoutSystemFields<
  DocumentByName<DM, T>
>;
/**
 * Fields to write, as `ctx.db.patch` takes them: `undefined` clears an optional field, also
 * under `exactOptionalPropertyTypes` (Convex's own `PatchValue`, which it does not export).
 */
type FieldsPatch<DM extends GenericDataModel, T extends TableNamesInDataModel<DM>> = {
  [K in keyof Fields<DM, T>]?: undefined extends Fields<DM, T>[K] ? Fields<DM, T>[K] | undefined : Fields<DM, T>[K];
};
type Row<DM extends GenericDataModel, T extends TableNamesInDataModel<DM>> = DocumentByName<DM, T>;
/** The first field of the index: where the mirror looks the Clerk id up. */
type IndexedField<
  DM extends GenericDataModel,
  T extends TableNamesInDataModel<DM>,
  I extends IndexNames<NamedTableInfo<DM, T>>,
> = NamedIndex<NamedTableInfo<DM, T>, I>[0];
/** The keys of `T` that a value may leave out. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
/** The table's fields that hold a number: where a row can keep Clerk's `updated_at`. */
type TimestampField<DM extends GenericDataModel, T extends TableNamesInDataModel<DM>> = {
  [K in keyof Fields<DM, T>]-?: Fields<DM, T>[K] extends number | undefined ? K : never;
}[keyof Fields<DM, T>] &
  string;

/**
 * What the mirror writes to a row it inserts besides the Clerk id and `fields`: the app's own
 * fields. Required when the table has required fields that `fields` does not fill.
 */
type NewRowOption<Rest> = [Exclude<keyof Rest, OptionalKeys<Rest>>] extends [never]
  ? { newRow?: (user: SyncedUser) => Rest }
  : { newRow: (user: SyncedUser) => Rest };

/** What becomes of a user's row when Clerk deletes the user. */
export type UserMirrorDeletePolicy<Row, Patch> =
  /** Delete the row; `Id`s that point at it no longer resolve (what a hand-written `deleteFromClerk` does). */
  | "remove"
  /**
   * Keep the row (and every `Id` pointing at it) and write these fields: soft-delete
   * (`(row) => ({ deletedAt: row.deletedAt ?? Date.now() })`) or anonymize
   * (`() => ({ name: "Deleted user" })`). Only the fields that differ are written, so a
   * patch that returns a row's current values for an already handled row changes nothing.
   */
  | { patch: (row: Row) => Patch };

/** How `mirrorUsers` keeps a host table in step with the synced users. */
export type UserMirrorOptions<
  DM extends GenericDataModel,
  T extends TableNamesInDataModel<DM>,
  I extends IndexNames<NamedTableInfo<DM, T>>,
  R extends FieldsPatch<DM, T>,
  U extends TimestampField<DM, T> = never,
> = {
  /** The host's table, e.g. `"users"`. */
  table: T;
  /** The host's index whose first field holds the Clerk id, e.g. `"byExternalId"`; one row per Clerk id. */
  index: I;
  /** That field, e.g. `"externalId"` (checked against the index by the compiler). */
  clerkIdField: IndexedField<DM, T, I>;
  /**
   * The Clerk-owned fields, written on insert and whenever the synced user changes:
   * `(user) => ({ name: user.name })`. Every other field of the row is the app's and is never written.
   */
  fields: (user: SyncedUser) => R & { [Extra in Exclude<keyof R, keyof Fields<DM, T>>]: never };
  /** What becomes of the row when Clerk deletes the user. */
  onDelete: UserMirrorDeletePolicy<Row<DM, T>, FieldsPatch<DM, T>>;
  /**
   * Run after the mirror inserts a row, in the same mutation: a user new to this table,
   * never one whose row already existed (one the hand-written sync stored). The place for
   * a welcome message.
   */
  onInsert?: (ctx: GenericMutationCtx<DM>, id: GenericId<T>, user: SyncedUser) => Promise<void> | void;
  /**
   * Run after `onDelete` changed a row (from the hook or from `prune`), in the same mutation,
   * with the row as it was: once per deleted user, never for a row already deleted. The place
   * for what a hand-written delete also cleaned up (the user's rows in other tables).
   */
  afterDelete?: (ctx: GenericMutationCtx<DM>, row: Row<DM, T>) => Promise<void> | void;
  /**
   * A field where the row keeps Clerk's `updated_at` (ms), e.g. `"clerkUpdatedAt"`: the mirror
   * writes it with `fields`, and writes nothing from a snapshot older than the row's, such as a
   * delivery a hand-written sync applied, redelivered once the component took over.
   */
  updatedAtField?: U;
} & NewRowOption<Omit<Fields<DM, T>, keyof R | IndexedField<DM, T, I> | U>>;

/** One page of `prune`. */
export type UserMirrorPrunePage = {
  /** Rows the delete policy changed: users Clerk deleted while the component did not hold them. */
  pruned: number;
  /** Rows the delete policy had already marked (a soft-delete the hand-written sync applied): gone, not unknown. */
  alreadyDeleted: number;
  /**
   * Clerk ids of rows the component has never heard of (not synced, no deletion recorded):
   * left as they are, for the host to look at.
   */
  unknown: string[];
  isDone: boolean;
  continueCursor: string;
};

/** One page of `adopt`. */
export type UserMirrorAdoptPage = {
  /** Deletions recorded in the component: rows the delete policy had marked, not recorded before. */
  recorded: number;
  isDone: boolean;
  continueCursor: string;
};

/** The host functions `mirrorUsers` builds. */
export type UserMirror<DM extends GenericDataModel> = {
  /** The user hook: export it and pass its reference as `ClerkSync`'s `onUserEvent`. */
  onUserEvent: RegisteredMutation<"internal", { event: UserHookEvent }, Promise<null>>;
  /**
   * One page of the host table: applies the delete policy to each row whose user Clerk
   * deleted while the component did not hold it, so no hook ran (a deletion that arrived
   * before a backfill stored the user). Call from a host mutation, page after page, after
   * the first full backfill and within 30 days (the component keeps a deletion that long).
   * `numItems` up to 8,192 (the most Clerk ids one call to the component takes).
   */
  prune: (
    ctx: GenericMutationCtx<DM>,
    clerk: ClerkSync,
    page: Pick<PaginationOptions, "cursor" | "numItems">,
  ) => Promise<UserMirrorPrunePage>;
  /**
   * One page of the host table: records in the component the deletions the table already holds
   * (rows `onDelete`'s patch would leave as they are), so that no replay of such a user (a Svix
   * retry up to about 28 hours late, a replay from Clerk's dashboard) stores it again. Call from a
   * host mutation, page after page, right after the push that switches to the package and before
   * the first backfill. With `"remove"` there is nothing to record (the rows are gone): the first
   * full backfill pass decides, and a user it did not list stays deleted. `numItems` up to 8,192.
   */
  adopt: (
    ctx: GenericMutationCtx<DM>,
    clerk: ClerkSync,
    page: Pick<PaginationOptions, "cursor" | "numItems">,
  ) => Promise<UserMirrorAdoptPage>;
};

/**
 * Keep a host table (e.g. the `users` table of a hand-written sync, with every `Id` that
 * points at it) in step with the synced users, as the user hook:
 *
 * ```ts
 * export const usersMirror = mirrorUsers(internalMutation, {
 *   table: "users", index: "byExternalId", clerkIdField: "externalId",
 *   fields: (user) => ({ name: user.name }),
 *   onDelete: "remove",
 * });
 * export const onUserEvent = usersMirror.onUserEvent;
 * ```
 * and `new ClerkSync(components.clerk, { onUserEvent: internal.users.onUserEvent })`.
 *
 * A created or updated user is found by Clerk id through the index: an existing row gets the
 * `fields` that differ (nothing else), a missing row is inserted. So a row the old code
 * stored is adopted, never duplicated, and a redelivered change writes nothing.
 *
 * @param internalMutation - the app's `internalMutation` builder (from `./_generated/server`).
 * @param options - the table, its Clerk id index, the Clerk-owned `fields` and the delete policy.
 * @returns the hook (`onUserEvent`) to export, and `adopt` and `prune` for host mutations.
 */
export function mirrorUsers<
  DM extends GenericDataModel,
  T extends TableNamesInDataModel<DM>,
  I extends IndexNames<NamedTableInfo<DM, T>>,
  R extends FieldsPatch<DM, T>,
  U extends TimestampField<DM, T> = never,
>(internalMutation: MutationBuilder<DM, "internal">, options: UserMirrorOptions<DM, T, I, R, U>): UserMirror<DM> {
  // The options' types carried the checks; past them the table is handled generically.
  const rows = mirroredRows(options as unknown as LooseOptions);
  const loose = (ctx: GenericMutationCtx<DM>) => ctx as unknown as LooseCtx;
  const onUserEvent = defineUserEventHandlers(internalMutation, {
    "user.created": (ctx, { user, source }) => rows.upsert(loose(ctx), user, source === "webhook"),
    "user.updated": (ctx, { user }) => rows.upsert(loose(ctx), user),
    "user.deleted": async (ctx, { clerkId }) => {
      const row = await rows.find(loose(ctx), clerkId);
      if (row) await rows.applyDeletePolicy(loose(ctx), row);
    },
  });
  return {
    onUserEvent,
    prune: (ctx, clerk, page) => prune(rows, loose(ctx), clerk, page),
    adopt: (ctx, clerk, page) => adopt(rows, loose(ctx), clerk, page),
  };
}

type Fieldset = Record<string, Value | undefined>;
type LooseRow = Fieldset & { _id: GenericId<string> };
type LooseCtx = GenericMutationCtx<GenericDataModel>;
type LooseOptions = {
  table: string;
  index: string;
  clerkIdField: string;
  fields: (user: SyncedUser) => Fieldset;
  newRow?: (user: SyncedUser) => Fieldset;
  onDelete: "remove" | { patch: (row: LooseRow) => Fieldset };
  onInsert?: (ctx: LooseCtx, id: GenericId<string>, user: SyncedUser) => Promise<void> | void;
  afterDelete?: (ctx: LooseCtx, row: LooseRow) => Promise<void> | void;
  updatedAtField?: string;
};
type Page = Pick<PaginationOptions, "cursor" | "numItems">;
type MirroredRows = ReturnType<typeof mirroredRows>;

/** What the mirror does to the host's rows. */
function mirroredRows(options: LooseOptions) {
  const { table, index, clerkIdField } = options;

  /** The user's row; throws `MIRROR_DUPLICATE_ROWS` when the table holds several. */
  const find = async (ctx: LooseCtx, clerkId: string) => {
    const found = (await ctx.db
      .query(table)
      .withIndex(index, (q) => q.eq(clerkIdField, clerkId))
      .take(MAX_DUPLICATES_NAMED)) as LooseRow[];
    if (found.length > 1) throw duplicateRows(table, clerkId, found);
    return found[0] ?? null;
  };

  /** Write the fields whose values differ; true if anything was written. */
  const patchChanged = async (ctx: LooseCtx, row: LooseRow, patch: Fieldset) => {
    const changed = Object.fromEntries(Object.entries(patch).filter(([key, value]) => !sameValue(row[key], value)));
    if (Object.keys(changed).length === 0) return false;
    await ctx.db.patch(table, row._id, changed);
    return true;
  };

  /** The delete policy already applied to the row: a patch that would leave it as it is. */
  const isMarkedDeleted = (row: LooseRow) =>
    options.onDelete !== "remove" &&
    Object.entries(options.onDelete.patch(row)).every(([key, value]) => sameValue(row[key], value));

  /** `delivered`: a delivery brings a user new to the component, so a marked row refuses it. */
  const upsert = async (ctx: LooseCtx, user: SyncedUser, delivered = false) => {
    const stamp = options.updatedAtField;
    const fields = { ...options.fields(user), ...(stamp && { [stamp]: user.updatedAt }) };
    const row = await find(ctx, user.clerkId);
    if (row && delivered && isMarkedDeleted(row)) throw userDeleted(table, user.clerkId);
    // The row holds a newer snapshot than this one (stored before the component held the user).
    if (row && stamp && typeof row[stamp] === "number" && row[stamp] > user.updatedAt) return;
    if (row) return void (await patchChanged(ctx, row, fields));
    // An `undefined` field is left out of the stored document, as in any insert.
    const document = { ...options.newRow?.(user), ...fields, [clerkIdField]: user.clerkId } as Record<string, Value>;
    const id = await ctx.db.insert(table, document);
    await options.onInsert?.(ctx, id, user);
  };

  /** Apply the delete policy, then `afterDelete` if the row changed; true if it did. */
  const applyDeletePolicy = async (ctx: LooseCtx, row: LooseRow) => {
    if (options.onDelete === "remove") await ctx.db.delete(table, row._id);
    else if (!(await patchChanged(ctx, row, options.onDelete.patch(row)))) return false;
    await options.afterDelete?.(ctx, row);
    return true;
  };

  const clerkIdOf = (row: LooseRow) => {
    const clerkId = row[clerkIdField];
    return typeof clerkId === "string" ? clerkId : null;
  };

  return { table, find, upsert, applyDeletePolicy, isMarkedDeleted, clerkIdOf };
}

/** Rows of one page of the host table, and their Clerk ids. */
async function pageOf(rows: MirroredRows, ctx: LooseCtx, { cursor, numItems }: Page) {
  const result = await ctx.db.query(rows.table).paginate({ cursor, numItems });
  const page = result.page as LooseRow[];
  const clerkIds = page.map(rows.clerkIdOf).filter((id): id is string => id !== null);
  return { page, clerkIds, isDone: result.isDone, continueCursor: result.continueCursor };
}

async function prune(rows: MirroredRows, ctx: LooseCtx, clerk: ClerkSync, page: Page): Promise<UserMirrorPrunePage> {
  const { page: found, clerkIds, isDone, continueCursor } = await pageOf(rows, ctx, page);
  const absent = await ctx.runQuery(clerk.component.users.absent, { clerkIds });
  const gone = new Set(absent.deleted);
  const unknown = new Set(absent.unknown);
  let pruned = 0;
  let alreadyDeleted = 0;
  for (const row of found) {
    const clerkId = rows.clerkIdOf(row);
    if (clerkId === null || !(gone.has(clerkId) || unknown.has(clerkId))) continue;
    if (rows.isMarkedDeleted(row)) {
      alreadyDeleted++;
      unknown.delete(clerkId);
    } else if (gone.has(clerkId) && (await rows.applyDeletePolicy(ctx, row))) pruned++;
  }
  return { pruned, alreadyDeleted, unknown: [...unknown], isDone, continueCursor };
}

async function adopt(rows: MirroredRows, ctx: LooseCtx, clerk: ClerkSync, page: Page): Promise<UserMirrorAdoptPage> {
  const { page: found, isDone, continueCursor } = await pageOf(rows, ctx, page);
  const clerkIds = found
    .filter(rows.isMarkedDeleted)
    .map(rows.clerkIdOf)
    .filter((id): id is string => id !== null);
  const recorded =
    clerkIds.length === 0 ? 0 : await ctx.runMutation(clerk.component.users.recordDeletions, { clerkIds });
  return { recorded, isDone, continueCursor };
}

/** How many of a user's duplicate rows a `MIRROR_DUPLICATE_ROWS` error names at most. */
const MAX_DUPLICATES_NAMED = 10;

/** What a mirror throws when its table holds several rows for one Clerk id. */
type MirrorDuplicateRows = {
  code: typeof MIRROR_DUPLICATE_ROWS;
  message: string;
  table: string;
  clerkId: string;
  /** The rows' `_id`s (the first `MAX_DUPLICATES_NAMED`). */
  rowIds: string[];
};

/**
 * The table holds several rows for the user: which one to write is the app's call, so none is
 * written. The component keeps its own change and records the refusal (the rows' ids) in
 * `getSyncStatus`, and the delivery is answered 2xx: no retry could apply it.
 */
function duplicateRows(table: string, clerkId: string, found: LooseRow[]) {
  const rowIds = found.map((row) => row._id as string);
  const more = found.length === MAX_DUPLICATES_NAMED ? " (and perhaps more)" : "";
  const message = `${table} holds ${found.length} rows for ${clerkId}${more}: ${rowIds.join(", ")}; merge them into one`;
  return new ConvexError({
    code: MIRROR_DUPLICATE_ROWS,
    message,
    table,
    clerkId,
    rowIds,
  } satisfies MirrorDuplicateRows);
}

/**
 * A delivery brings a user new to the component whose row the delete policy already marked: the
 * hand-written sync deleted it, so this is a late replay. The component tombstones the user
 * instead of storing it, and the delivery is answered `stale`.
 */
function userDeleted(table: string, clerkId: string) {
  const message = `${table} holds ${clerkId} as deleted: a late replay, not stored`;
  return new ConvexError({ code: MIRROR_USER_DELETED, message, table, clerkId });
}

/** Convex value equality; a missing field equals `undefined`. */
function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return compareValues(a, b) === 0;
}
