import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation, mutation, query } from "./_generated/server";
import { clerk } from "./clerk";

/** Signed-in and synced only: add a note as the caller. */
export const add = mutation({
  args: { text: v.string() },
  handler: async (ctx, { text }) => {
    const user = await clerk.requireCurrentUser(ctx);
    return ctx.db.insert("notes", { authorId: user.clerkId, text });
  },
});

/**
 * Signed-in and synced only: a user's notes, shared with every signed-in user, with the
 * author's display name joined from the synced users (never the author's email).
 */
export const byAuthor = query({
  args: { authorId: v.string() },
  handler: async (ctx, { authorId }) => {
    await clerk.requireCurrentUser(ctx);
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
    for (const note of notes) await ctx.db.delete("notes", note._id);
    if (notes.length === DELETE_BATCH) {
      await ctx.scheduler.runAfter(0, internal.notes.deleteByAuthor, { authorId });
    }
  },
});
