import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { clerk } from "./clerk";

/** Add a note as the signed-in user; fails until the user is signed in and synced. */
export const add = mutation({
  args: { text: v.string() },
  handler: async (ctx, { text }) => {
    const user = await clerk.requireCurrentUser(ctx);
    return ctx.db.insert("notes", { authorId: user.clerkId, text });
  },
});

/** A user's notes with the author's display name, joined from the synced users. */
export const byAuthor = query({
  args: { authorId: v.string() },
  handler: async (ctx, { authorId }) => {
    const author = await clerk.getUser(ctx, authorId);
    const notes = await ctx.db
      .query("notes")
      .withIndex("by_author", (q) => q.eq("authorId", authorId))
      .take(100);
    return notes.map((note) => ({ text: note.text, authorName: author?.name ?? "Deleted user" }));
  },
});
