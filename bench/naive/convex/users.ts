import { v } from "convex/values";
import { internalMutation, type MutationCtx } from "./_generated/server";

/** The fields the naive app keeps from Clerk's user JSON. */
export function userAttributes(data: Record<string, any>) {
  const primary = (data.email_addresses ?? []).find(
    (address: { id: string }) => address.id === data.primary_email_address_id,
  );
  return {
    clerkUserId: data.id as string,
    name: `${data.first_name ?? ""} ${data.last_name ?? ""}`.trim(),
    email: (primary?.email_address as string | undefined) ?? null,
    imageUrl: (data.image_url as string | undefined) ?? null,
  };
}

/** The tutorial look-up: `.filter` on a field, which reads the table until it finds the row. */
function userByClerkId(ctx: MutationCtx, clerkUserId: string) {
  return ctx.db
    .query("users")
    .filter((q) => q.eq(q.field("clerkUserId"), clerkUserId))
    .unique();
}

/** user.created and user.updated: the whole Clerk payload in, insert or patch. */
export const upsertFromClerk = internalMutation({
  args: { data: v.any() },
  handler: async (ctx, { data }) => {
    const attributes = userAttributes(data);
    const user = await userByClerkId(ctx, attributes.clerkUserId);
    if (user === null) await ctx.db.insert("users", attributes);
    else await ctx.db.patch(user._id, attributes);
  },
});

export const deleteFromClerk = internalMutation({
  args: { clerkUserId: v.string() },
  handler: async (ctx, { clerkUserId }) => {
    const user = await userByClerkId(ctx, clerkUserId);
    if (user !== null) await ctx.db.delete(user._id);
    else console.warn(`Can't delete user, none found for Clerk id ${clerkUserId}`);
  },
});
