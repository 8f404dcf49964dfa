import type { FunctionHandle } from "convex/server";
import type { MutationCtx } from "./_generated/server.js";
import type { Hooks, OrganizationHookEvent, UserHookEvent } from "./validators.js";

export type { Hooks } from "./validators.js";

/**
 * Run a host hook inside the caller's mutation: if it throws, nothing of the change is
 * written, and the caller (a webhook delivery) fails and is retried.
 */
export async function runUserHook(ctx: MutationCtx, hooks: Hooks, event: UserHookEvent) {
  if (!hooks.onUserEvent) return;
  await ctx.runMutation(hooks.onUserEvent as FunctionHandle<"mutation", { event: UserHookEvent }>, { event });
}

export async function runOrganizationHook(ctx: MutationCtx, hooks: Hooks, event: OrganizationHookEvent) {
  if (!hooks.onOrganizationEvent) return;
  await ctx.runMutation(hooks.onOrganizationEvent as FunctionHandle<"mutation", { event: OrganizationHookEvent }>, {
    event,
  });
}
