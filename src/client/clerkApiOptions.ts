// How to reach Clerk's Backend API, apart from the client itself: `ClerkSync`'s options name it,
// and its declarations then need none of `@clerk/backend`'s types.

/** Where Clerk's Backend API is and the key it takes (backfill, `syncCurrentUser`, write-through). */
export type ClerkApiOptions = {
  /** Clerk's secret key (`sk_…`). Default: `CLERK_SECRET_KEY`, read on each use, never stored. */
  secretKey?: string;
  /** Clerk's Backend API URL. Default: `CLERK_API_URL` if set, else Clerk's own. */
  apiUrl?: string;
};
