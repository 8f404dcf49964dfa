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
import { compareValues, type GenericId, type Value } from "convex/values";
import type { UserHookEvent } from "../component/changes.js";
import type { ClerkSync } from "./clerkSync.js";
import { defineUserEventHandlers } from "./hooks.js";
import type { SyncedUser } from "./synced.js";

type Fields<DM extends GenericDataModel, T extends TableNamesInDataModel<DM>> = WithoutSystemFields<
  DocumentByName<DM, T>
>;
type Row<DM extends GenericDataModel, T extends TableNamesInDataModel<DM>> = DocumentByName<DM, T>;
/** The first field of the index: where the mirror looks the Clerk id up. */
type IndexedField<
  DM extends GenericDataModel,
  T extends TableNamesInDataModel<DM>,
  I extends IndexNames<NamedTableInfo<DM, T>>,
> = NamedIndex<NamedTableInfo<DM, T>, I>[0];
/** The keys of `T` that a value may leave out. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

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
  R extends Partial<Fields<DM, T>>,
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
  onDelete: UserMirrorDeletePolicy<Row<DM, T>, Partial<Fields<DM, T>>>;
  /**
   * Run after the mirror inserts a row, in the same mutation: a user new to this table,
   * never one whose row already existed (one the hand-written sync stored). The place for
   * a welcome message.
   */
  onInsert?: (ctx: GenericMutationCtx<DM>, id: GenericId<T>, user: SyncedUser) => Promise<void> | void;
} & NewRowOption<Omit<Fields<DM, T>, keyof R | IndexedField<DM, T, I>>>;

/** One page of `prune`. */
export type UserMirrorPrunePage = {
  /** Rows the delete policy changed: users Clerk deleted while the component did not hold them. */
  pruned: number;
  /**
   * Clerk ids of rows the component has never heard of (not synced, no deletion recorded):
   * left as they are, for the host to look at.
   */
  unknown: string[];
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
 * @returns the hook (`onUserEvent`) to export, and `prune` for a host mutation.
 */
export function mirrorUsers<
  DM extends GenericDataModel,
  T extends TableNamesInDataModel<DM>,
  I extends IndexNames<NamedTableInfo<DM, T>>,
  R extends Partial<Fields<DM, T>>,
>(internalMutation: MutationBuilder<DM, "internal">, options: UserMirrorOptions<DM, T, I, R>): UserMirror<DM> {
  // The options' types carried the checks; past them the table is handled generically.
  const rows = mirroredRows(options as unknown as LooseOptions);
  const loose = (ctx: GenericMutationCtx<DM>) => ctx as unknown as LooseCtx;
  const onUserEvent = defineUserEventHandlers(internalMutation, {
    "user.created": (ctx, { user }) => rows.upsert(loose(ctx), user),
    "user.updated": (ctx, { user }) => rows.upsert(loose(ctx), user),
    "user.deleted": async (ctx, { clerkId }) => {
      const row = await rows.find(loose(ctx), clerkId);
      if (row) await rows.applyDeletePolicy(loose(ctx), row);
    },
  });
  return { onUserEvent, prune: (ctx, clerk, page) => rows.prune(loose(ctx), clerk, page) };
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
};

/** What the mirror does to the host's rows. */
function mirroredRows(options: LooseOptions) {
  const { table, index, clerkIdField } = options;

  const find = async (ctx: LooseCtx, clerkId: string) =>
    (await ctx.db
      .query(table)
      .withIndex(index, (q) => q.eq(clerkIdField, clerkId))
      .unique()) as LooseRow | null;

  /** Write the fields whose values differ; true if anything was written. */
  const patchChanged = async (ctx: LooseCtx, row: LooseRow, patch: Fieldset) => {
    const changed = Object.fromEntries(Object.entries(patch).filter(([key, value]) => !sameValue(row[key], value)));
    if (Object.keys(changed).length === 0) return false;
    await ctx.db.patch(table, row._id, changed);
    return true;
  };

  const upsert = async (ctx: LooseCtx, user: SyncedUser) => {
    const fields = options.fields(user);
    const row = await find(ctx, user.clerkId);
    if (row) return void (await patchChanged(ctx, row, fields));
    // An `undefined` field is left out of the stored document, as in any insert.
    const document = { ...options.newRow?.(user), ...fields, [clerkIdField]: user.clerkId } as Record<string, Value>;
    const id = await ctx.db.insert(table, document);
    await options.onInsert?.(ctx, id, user);
  };

  /** Apply the delete policy; true if the row changed. */
  const applyDeletePolicy = async (ctx: LooseCtx, row: LooseRow) => {
    if (options.onDelete !== "remove") return patchChanged(ctx, row, options.onDelete.patch(row));
    await ctx.db.delete(table, row._id);
    return true;
  };

  const prune = async (
    ctx: LooseCtx,
    clerk: ClerkSync,
    { cursor, numItems }: Pick<PaginationOptions, "cursor" | "numItems">,
  ): Promise<UserMirrorPrunePage> => {
    const result = await ctx.db.query(table).paginate({ cursor, numItems });
    const rows = result.page as LooseRow[];
    const clerkIdOf = (row: LooseRow) => row[clerkIdField];
    const clerkIds = rows.map(clerkIdOf).filter((id): id is string => typeof id === "string");
    const { deleted, unknown } = await ctx.runQuery(clerk.component.users.absent, { clerkIds });
    const gone = new Set(deleted);
    let pruned = 0;
    for (const row of rows) {
      const clerkId = clerkIdOf(row);
      if (typeof clerkId === "string" && gone.has(clerkId) && (await applyDeletePolicy(ctx, row))) pruned++;
    }
    return { pruned, unknown, isDone: result.isDone, continueCursor: result.continueCursor };
  };

  return { find, upsert, applyDeletePolicy, prune };
}

/** Convex value equality; a missing field equals `undefined`. */
function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return compareValues(a, b) === 0;
}
