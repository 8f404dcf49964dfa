// What a write-through checks of the ids it is given before any request: each has the shape
// of a Clerk id of its kind, so none can carry `/`, `?`, `#`, `%` or `..` into a URL and
// reach another of Clerk's endpoints.
import { ConvexError } from "convex/values";
import { clip } from "./scrub.js";
import type { ClerkWriteError } from "./writeThrough.js";

/** Each id a write-through takes, and the prefix of the kind of Clerk id it must be. */
const PREFIX_OF = {
  userId: "user_",
  createdBy: "user_",
  inviterUserId: "user_",
  requestingUserId: "user_",
  orgId: "org_",
  invitationId: "orginv_",
} as const;

/** The ids of one write, by the option that carries them; one left out (`undefined`) is not checked. */
export type WriteIds = { [Field in keyof typeof PREFIX_OF]?: string | undefined };

/** Clerk's ids: the kind's prefix, then letters and digits (`_` too, as test ids use it); at most 100 characters. */
const ID_BODY = /^[A-Za-z0-9_]{1,95}$/;

/**
 * Throws a `ConvexError` with code `INVALID_ID` for the first id that is not a Clerk id of its
 * kind (`user_…`, `org_…`, `orginv_…`); nothing has been sent then.
 */
export function checkIds(ids: WriteIds): void {
  for (const [field, id] of Object.entries(ids) as [keyof typeof PREFIX_OF, string | undefined][]) {
    if (id === undefined) continue;
    const prefix = PREFIX_OF[field];
    if (typeof id === "string" && id.startsWith(prefix) && ID_BODY.test(id.slice(prefix.length))) continue;
    const shown = typeof id === "string" ? JSON.stringify(clip(id)) : typeof id;
    throw new ConvexError(
      idError(`${field} ${shown} is not a Clerk id (${prefix} then letters and digits): nothing was sent to Clerk`),
    );
  }
}

function idError(message: string): ClerkWriteError {
  return { code: "INVALID_ID", message, status: null, errors: [], retryAfter: null };
}
