// Type-level checks of mirrorUsers, enforced by `npm run typecheck`: each `@ts-expect-error`
// fails the build if the line it marks ever type-checks.
import { mirrorUsers } from "convex-clerk-sync";
import { internalMutation } from "./after/convex/_generated/server";

export const wellTyped = mirrorUsers(internalMutation, {
  table: "users",
  index: "byExternalId",
  clerkIdField: "externalId",
  fields: (user) => ({ name: user.name, imageUrl: user.imageUrl ?? undefined }),
  onDelete: { patch: (row) => ({ name: `${row.name} (deleted)` }) },
});

export const notTheIndexedField = mirrorUsers(internalMutation, {
  table: "users",
  index: "byExternalId",
  // @ts-expect-error the Clerk id is looked up through the index: its first field, `externalId`
  clerkIdField: "name",
  fields: (user) => ({ name: user.name, externalId: user.clerkId }),
  onDelete: "remove",
});

export const notAField = mirrorUsers(internalMutation, {
  table: "users",
  index: "byExternalId",
  clerkIdField: "externalId",
  // @ts-expect-error `fields` writes the table's fields only
  fields: (user) => ({ name: user.name, nickname: user.username }),
  onDelete: "remove",
});

export const wrongType = mirrorUsers(internalMutation, {
  table: "users",
  index: "byExternalId",
  clerkIdField: "externalId",
  // @ts-expect-error `imageUrl` is optional, never null
  fields: (user) => ({ name: user.name, imageUrl: user.imageUrl }),
  onDelete: "remove",
});

// @ts-expect-error a new row needs `name`, required in the schema: `fields` or `newRow` must give it
export const incompleteRow = mirrorUsers(internalMutation, {
  table: "users",
  index: "byExternalId",
  clerkIdField: "externalId",
  fields: (user) => ({ imageUrl: user.imageUrl ?? undefined }),
  onDelete: "remove",
});

export const completedByNewRow = mirrorUsers(internalMutation, {
  table: "users",
  index: "byExternalId",
  clerkIdField: "externalId",
  fields: (user) => ({ imageUrl: user.imageUrl ?? undefined }),
  newRow: (user) => ({ name: user.name }),
  onDelete: "remove",
});
