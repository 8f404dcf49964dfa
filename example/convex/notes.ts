import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation, mutation, query } from "./_generated/server";
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

const DELETE_BATCH = 200;

/** Delete a deleted user's notes, a batch per run. */
export const deleteByAuthor = internalMutation({
  args: { authorId: v.string() },
  handler: async (ctx, { authorId }) => {
    const notes = await ctx.db
      .query("notes")
      .withIndex("by_author", (q) => q.eq("authorId", authorId))
      .take(DELETE_BATCH);
    for (const note of notes) await ctx.db.delete(note._id);
    if (notes.length === DELETE_BATCH) {
      await ctx.scheduler.runAfter(0, internal.notes.deleteByAuthor, { authorId });
    }
  },
});
