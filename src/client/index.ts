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
import { toSyncedUser, type SyncedUser } from "./user.js";

export { registerClerkRoutes, type ClerkRoutesOptions } from "./webhook.js";
export {
  defineUserEventHandlers,
  type UserEventHandlerReference,
  type UserEventHandlers,
} from "./hooks.js";
export type { SyncedUser } from "./user.js";
export type { ComponentApi } from "../component/_generated/component.js";
export type { ChangeSource, UserHookEvent } from "../component/validators.js";

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

/** Error codes of the `ConvexError`s thrown by `requireCurrentUser`. */
export type ClerkSyncErrorCode = "UNAUTHENTICATED" | "USER_NOT_SYNCED";

/**
 * Reads synced users from host queries, mutations and actions:
 * `const clerk = new ClerkSync(components.clerk)`.
 */
export class ClerkSync {
  constructor(public readonly component: ComponentApi) {}

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
}
