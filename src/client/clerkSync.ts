import { createFunctionHandle } from "convex/server";
import type {
  Auth,
  FunctionArgs,
  FunctionReference,
  FunctionReturnType,
  PaginationOptions,
  PaginationResult,
} from "convex/server";
import { ConvexError } from "convex/values";
import type { ComponentApi } from "../component/_generated/component.js";
import type { ClerkApiOptions } from "./clerkApi.js";
import type { UserEventHandlerReference } from "./hooks.js";
import { toSyncedUser, type SyncedUser } from "./user.js";

/**
 * Any ctx that can run component queries: a query's, a mutation's or an action's.
 * (Spelled out: the query ctx's and the action ctx's `runQuery` types differ.)
 */
export type RunQueryCtx = {
  runQuery: <Query extends FunctionReference<"query", "internal">>(
    query: Query,
    args: FunctionArgs<Query>,
  ) => Promise<FunctionReturnType<Query>>;
};
type RunQueryAuthCtx = RunQueryCtx & { auth: Auth };

/** Any ctx that can run component mutations: a mutation's or an action's. */
export type RunMutationCtx = RunQueryCtx & {
  runMutation: <Mutation extends FunctionReference<"mutation", "internal">>(
    mutation: Mutation,
    args: FunctionArgs<Mutation>,
  ) => Promise<FunctionReturnType<Mutation>>;
};

export type ClerkSyncOptions = {
  /**
   * The host's lifecycle hooks, declared with `defineUserEventHandlers`
   * (e.g. `internal.profiles.onUserEvent`): run for every change, from webhooks,
   * backfill and `syncCurrentUser` alike.
   */
  onUserEvent?: UserEventHandlerReference;
  /** For `syncCurrentUser`: Clerk's Backend API (secret key default `CLERK_SECRET_KEY`). */
  clerkApi?: ClerkApiOptions;
};

/** Error codes of the `ConvexError`s thrown by `requireCurrentUser`. */
export type ClerkSyncErrorCode = "UNAUTHENTICATED" | "USER_NOT_SYNCED";

/**
 * Reads synced users from host queries, mutations and actions:
 * `const clerk = new ClerkSync(components.clerk)`.
 */
export class ClerkSync {
  constructor(
    public readonly component: ComponentApi,
    public readonly options: ClerkSyncOptions = {},
  ) {}

  /** The user with this Clerk id (`user_…`), or null. */
  async getUser(ctx: RunQueryCtx, clerkId: string): Promise<SyncedUser | null> {
    return toSyncedUser(await ctx.runQuery(this.component.users.get, { clerkId }));
  }

  /** The user whose primary email is this one, compared case-insensitively, or null. */
  async getUserByEmail(ctx: RunQueryCtx, email: string): Promise<SyncedUser | null> {
    return toSyncedUser(await ctx.runQuery(this.component.users.getByEmail, { email }));
  }

  /** A page of users, for `usePaginatedQuery` or a loop over `continueCursor`. */
  async listUsers(
    ctx: RunQueryCtx,
    args: { paginationOpts: PaginationOptions },
  ): Promise<PaginationResult<SyncedUser>> {
    const result = await ctx.runQuery(this.component.users.list, {
      paginationOpts: { numItems: args.paginationOpts.numItems, cursor: args.paginationOpts.cursor },
    });
    return { ...result, page: result.page.map((record) => toSyncedUser(record)) };
  }

  /** The signed-in user (the token's `subject`), or null when signed out or not synced yet. */
  async getCurrentUser(ctx: RunQueryAuthCtx): Promise<SyncedUser | null> {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) return null;
    return this.getUser(ctx, identity.subject);
  }

  /**
   * The signed-in user; throws a `ConvexError` with `code` `UNAUTHENTICATED` when signed
   * out and `USER_NOT_SYNCED` when Clerk's webhook has not arrived yet.
   */
  async requireCurrentUser(ctx: RunQueryAuthCtx): Promise<SyncedUser> {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) {
      throw new ConvexError({ code: "UNAUTHENTICATED" satisfies ClerkSyncErrorCode, message: "Not signed in" });
    }
    const user = await this.getUser(ctx, identity.subject);
    if (!user) {
      throw new ConvexError({
        code: "USER_NOT_SYNCED" satisfies ClerkSyncErrorCode,
        message: "Signed in, but the user has not been synced from Clerk yet",
      });
    }
    return user;
  }

  /**
   * From an action: the signed-in user, fetched from Clerk's Backend API and stored
   * (under the webhook rules, hooks included) when the webhook has not arrived yet.
   * Null when signed out, or when Clerk has no such user. Needs `CLERK_SECRET_KEY`.
   */
  async syncCurrentUser(ctx: RunMutationCtx & { auth: Auth }): Promise<SyncedUser | null> {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) return null;
    const stored = await this.getUser(ctx, identity.subject);
    if (stored) return stored;
    // Loaded on demand: keeps the Backend API client out of every other code path.
    const { clerkClient, fetchUser } = await import("./clerkApi.js");
    const client = clerkClient(this.options.clerkApi ?? {});
    if (typeof client === "string") throw new Error(client);
    const user = await fetchUser(client, identity.subject);
    if (!user) return null;
    const onUserEvent = this.options.onUserEvent && (await createFunctionHandle(this.options.onUserEvent));
    await ctx.runMutation(this.component.users.upsert, { user, onUserEvent, source: "api" });
    return this.getUser(ctx, identity.subject);
  }
}
