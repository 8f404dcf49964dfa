import type {
  FunctionReference,
  GenericDataModel,
  GenericMutationCtx,
  MutationBuilder,
  RegisteredMutation,
} from "convex/server";
import { v } from "convex/values";
import { userHookEvent, type ChangeSource, type UserHookEvent } from "../component/validators.js";
import { toSyncedUser, type SyncedUser } from "./user.js";

/** The host mutation that `registerClerkRoutes({ onUserEvent })` runs for each change. */
export type UserEventHandlerReference = FunctionReference<"mutation", "internal", { event: UserHookEvent }, null>;

/** The handlers a host declares; each is optional. They run inside the sync's mutation. */
export type UserEventHandlers<Ctx> = {
  /** A user appeared (first snapshot stored, whichever event brought it). */
  "user.created"?: (ctx: Ctx, event: { user: SyncedUser; source: ChangeSource }) => Promise<void> | void;
  /** A newer snapshot replaced the stored one. */
  "user.updated"?: (
    ctx: Ctx,
    event: { user: SyncedUser; previous: SyncedUser; source: ChangeSource },
  ) => Promise<void> | void;
  /** A stored user was deleted in Clerk; `previous` is the last stored version. */
  "user.deleted"?: (
    ctx: Ctx,
    event: { clerkId: string; previous: SyncedUser; source: ChangeSource },
  ) => Promise<void> | void;
};

/**
 * Declare the host's lifecycle hooks as one internal mutation:
 *
 * ```ts
 * export const onUserEvent = defineUserEventHandlers(internalMutation, {
 *   "user.created": async (ctx, { user }) => { await ctx.db.insert("profiles", …) },
 * });
 * ```
 * and pass `internal.<module>.onUserEvent` to `registerClerkRoutes` as `onUserEvent`.
 * A handler that throws rolls back the whole delivery, which Svix then retries.
 */
export function defineUserEventHandlers<DataModel extends GenericDataModel>(
  internalMutation: MutationBuilder<DataModel, "internal">,
  handlers: UserEventHandlers<GenericMutationCtx<DataModel>>,
): RegisteredMutation<"internal", { event: UserHookEvent }, Promise<null>> {
  return internalMutation({
    // Convex wants an object of arguments at the top level.
    args: { event: userHookEvent },
    returns: v.null(),
    handler: async (ctx, { event }: { event: UserHookEvent }) => {
      const { source } = event;
      const previous = toSyncedUser(event.previous);
      switch (event.type) {
        case "user.created":
          await handlers["user.created"]?.(ctx, { user: toSyncedUser(event.user), source });
          break;
        case "user.updated":
          await handlers["user.updated"]?.(ctx, { user: toSyncedUser(event.user), previous: previous!, source });
          break;
        case "user.deleted":
          await handlers["user.deleted"]?.(ctx, { clerkId: event.clerkId, previous: previous!, source });
          break;
      }
      return null;
    },
  }) as RegisteredMutation<"internal", { event: UserHookEvent }, Promise<null>>;
}
