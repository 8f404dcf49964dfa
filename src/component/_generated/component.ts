/* eslint-disable */
/**
 * Generated `ComponentApi` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type { FunctionReference } from "convex/server";

/**
 * A utility for referencing a Convex component's exposed API.
 *
 * Useful when expecting a parameter like `components.myComponent`.
 * Usage:
 * ```ts
 * async function myFunction(ctx: QueryCtx, component: ComponentApi) {
 *   return ctx.runQuery(component.someFile.someQuery, { ...args });
 * }
 * ```
 */
export type ComponentApi<Name extends string | undefined = string | undefined> =
  {
    deliveries: {
      apply: FunctionReference<
        "mutation",
        "internal",
        {
          svixId: string;
          event:
            | {
                type: "user.created" | "user.updated";
                user: {
                  clerkId: string;
                  email: string | null;
                  emailVerified: boolean;
                  phone: string | null;
                  username: string | null;
                  firstName: string | null;
                  lastName: string | null;
                  name: string;
                  imageUrl: string | null;
                  externalId: string | null;
                  publicMetadataJson: string;
                  createdAt: number;
                  updatedAt: number;
                  lastSignInAt: number | null;
                  banned: boolean;
                };
              }
            | { type: "user.deleted"; clerkId: string };
          onUserEvent?: string;
        },
        | "inserted"
        | "updated"
        | "unchanged"
        | "stale"
        | "deleted"
        | "tombstoned"
        | "duplicate",
        Name
      >;
    };
    users: {
      get: FunctionReference<
        "query",
        "internal",
        { clerkId: string },
        {
          clerkId: string;
          email: string | null;
          emailVerified: boolean;
          phone: string | null;
          username: string | null;
          firstName: string | null;
          lastName: string | null;
          name: string;
          imageUrl: string | null;
          externalId: string | null;
          publicMetadataJson: string;
          createdAt: number;
          updatedAt: number;
          lastSignInAt: number | null;
          banned: boolean;
        } | null,
        Name
      >;
      getByEmail: FunctionReference<
        "query",
        "internal",
        { email: string },
        {
          clerkId: string;
          email: string | null;
          emailVerified: boolean;
          phone: string | null;
          username: string | null;
          firstName: string | null;
          lastName: string | null;
          name: string;
          imageUrl: string | null;
          externalId: string | null;
          publicMetadataJson: string;
          createdAt: number;
          updatedAt: number;
          lastSignInAt: number | null;
          banned: boolean;
        } | null,
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        {
          paginationOpts: {
            numItems: number;
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumRowsRead?: number;
            maximumBytesRead?: number;
          };
        },
        {
          page: Array<{
            clerkId: string;
            email: string | null;
            emailVerified: boolean;
            phone: string | null;
            username: string | null;
            firstName: string | null;
            lastName: string | null;
            name: string;
            imageUrl: string | null;
            externalId: string | null;
            publicMetadataJson: string;
            createdAt: number;
            updatedAt: number;
            lastSignInAt: number | null;
            banned: boolean;
          }>;
          continueCursor: string;
          isDone: boolean;
          splitCursor?: string | null;
          pageStatus?: "SplitRecommended" | "SplitRequired" | null;
        },
        Name
      >;
      upsert: FunctionReference<
        "mutation",
        "internal",
        {
          user: {
            clerkId: string;
            email: string | null;
            emailVerified: boolean;
            phone: string | null;
            username: string | null;
            firstName: string | null;
            lastName: string | null;
            name: string;
            imageUrl: string | null;
            externalId: string | null;
            publicMetadataJson: string;
            createdAt: number;
            updatedAt: number;
            lastSignInAt: number | null;
            banned: boolean;
          };
          onUserEvent?: string;
          source?: "webhook" | "backfill" | "api";
        },
        | "inserted"
        | "updated"
        | "unchanged"
        | "stale"
        | "deleted"
        | "tombstoned",
        Name
      >;
    };
  };
