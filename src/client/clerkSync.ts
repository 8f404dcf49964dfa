import { createFunctionHandle } from "convex/server";
import type {
  Auth,
  FunctionArgs,
  FunctionReference,
  FunctionReturnType,
  PaginationOptions,
  PaginationResult,
} from "convex/server";
import { ConvexError } from "convex/values";
import type { ComponentApi } from "../component/_generated/component.js";
import type { ClerkApiOptions } from "./clerkApi.js";
import type { OrganizationEventHandlerReference, UserEventHandlerReference } from "./hooks.js";
import type { HookHandles } from "../component/changes.js";
import type { SyncStatus } from "../component/syncStatus.js";
import { toSynced, type SyncedMembership, type SyncedOrganization, type SyncedUser } from "./synced.js";

/**
 * Any ctx that can run component queries: a query's, a mutation's or an action's.
 * (Spelled out: the query ctx's and the action ctx's `runQuery` types differ.)
 */
export type RunQueryCtx = {
  runQuery: <Query extends FunctionReference<"query", "internal">>(
    query: Query,
    args: FunctionArgs<Query>,
  ) => Promise<FunctionReturnType<Query>>;
};
type RunQueryAuthCtx = RunQueryCtx & { auth: Auth };

/** Any ctx that can run component mutations: a mutation's or an action's. */
export type RunMutationCtx = RunQueryCtx & {
  runMutation: <Mutation extends FunctionReference<"mutation", "internal">>(
    mutation: Mutation,
    args: FunctionArgs<Mutation>,
  ) => Promise<FunctionReturnType<Mutation>>;
};

/**
 * An action's ctx (with `auth`). Only actions may load modules on demand, which
 * `syncCurrentUser` does: a query's or a mutation's ctx does not fit this type.
 */
export type RunActionCtx = RunMutationCtx & {
  runAction: <Action extends FunctionReference<"action", "internal">>(
    action: Action,
    args: FunctionArgs<Action>,
  ) => Promise<FunctionReturnType<Action>>;
  auth: Auth;
};

export type ClerkSyncOptions = {
  /**
   * The host's lifecycle hooks, declared with `defineUserEventHandlers`
   * (e.g. `internal.profiles.onUserEvent`): run for every change, from webhooks,
   * backfill and `syncCurrentUser` alike.
   */
  onUserEvent?: UserEventHandlerReference;
  /**
   * Organization and membership hooks, declared with `defineOrganizationEventHandlers`:
   * run for every change, from webhooks and backfill alike.
   */
  onOrganizationEvent?: OrganizationEventHandlerReference;
  /** For `syncCurrentUser`: Clerk's Backend API (secret key default `CLERK_SECRET_KEY`). */
  clerkApi?: ClerkApiOptions;
};

/** Error codes of the `ConvexError`s thrown by `requireCurrentUser` and `requireOrgRole`. */
export type ClerkSyncErrorCode = "UNAUTHENTICATED" | "USER_NOT_SYNCED" | "FORBIDDEN";

/** What `requireOrgRole` asks for: a role key, or a permission. */
export type OrgRequirement = string | { permission: string };

/** Current role keys and the legacy keys of instances created before custom roles. */
const EQUIVALENT_ROLES: Record<string, string> = {
  "org:admin": "admin",
  admin: "org:admin",
  "org:member": "basic_member",
  basic_member: "org:member",
};

/**
 * Reads synced users from host queries, mutations and actions:
 * `const clerk = new ClerkSync(components.clerk, { onUserEvent })`. The one place hooks are
 * wired: the webhook route, the backfill and `syncCurrentUser` all take them from here.
 */
export class ClerkSync {
  constructor(
    public readonly component: ComponentApi,
    public readonly options: ClerkSyncOptions = {},
  ) {}

  /** Function handles of the configured hooks, as the component's mutations take them. */
  async hookHandles(): Promise<HookHandles> {
    const { onUserEvent, onOrganizationEvent } = this.options;
    return {
      ...(onUserEvent ? { onUserEvent: await createFunctionHandle(onUserEvent) } : {}),
      ...(onOrganizationEvent ? { onOrganizationEvent: await createFunctionHandle(onOrganizationEvent) } : {}),
    };
  }

  /** The user with this Clerk id (`user_…`), or null. */
  async getUser(ctx: RunQueryCtx, clerkId: string): Promise<SyncedUser | null> {
    return toSynced(await ctx.runQuery(this.component.users.get, { clerkId }));
  }

  /** The user whose primary email is this one, compared case-insensitively, or null. */
  async getUserByEmail(ctx: RunQueryCtx, email: string): Promise<SyncedUser | null> {
    return toSynced(await ctx.runQuery(this.component.users.getByEmail, { email }));
  }

  /**
   * Whether Clerk's webhook is working: when the last delivery of each event type was
   * applied (within the 30-day dedupe window), and the latest deliveries that could not be
   * applied (no signing secret, a hook threw), with svix-id, event type, reason and time.
   * Holds no personal data.
   */
  async getSyncStatus(ctx: RunQueryCtx): Promise<SyncStatus> {
    return ctx.runQuery(this.component.syncStatus.get, {});
  }

  /** The user whose Clerk `external_id` is this one, or null. */
  async getUserByExternalId(ctx: RunQueryCtx, externalId: string): Promise<SyncedUser | null> {
    return toSynced(await ctx.runQuery(this.component.users.getByExternalId, { externalId }));
  }

  /**
   * A page of users in Clerk id order, for `usePaginatedQuery` (pass the host query's
   * `paginationOpts` through) or a loop over `continueCursor`.
   */
  async listUsers(
    ctx: RunQueryCtx,
    args: { paginationOpts: PaginationOptions },
  ): Promise<PaginationResult<SyncedUser>> {
    const result = await ctx.runQuery(this.component.users.list, { paginationOpts: pageRequest(args.paginationOpts) });
    return { ...result, page: result.page.map((record) => toSynced(record)) };
  }

  /** The signed-in user (the token's `subject`), or null when signed out or not synced yet. */
  async getCurrentUser(ctx: RunQueryAuthCtx): Promise<SyncedUser | null> {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) return null;
    return this.getUser(ctx, identity.subject);
  }

  /**
   * The signed-in user; throws a `ConvexError` with `code` `UNAUTHENTICATED` when signed
   * out and `USER_NOT_SYNCED` when Clerk's webhook has not arrived yet.
   */
  async requireCurrentUser(ctx: RunQueryAuthCtx): Promise<SyncedUser> {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) {
      throw new ConvexError({ code: "UNAUTHENTICATED" satisfies ClerkSyncErrorCode, message: "Not signed in" });
    }
    const user = await this.getUser(ctx, identity.subject);
    if (!user) {
      throw new ConvexError({
        code: "USER_NOT_SYNCED" satisfies ClerkSyncErrorCode,
        message: "Signed in, but the user has not been synced from Clerk yet",
      });
    }
    return user;
  }

  /** The organization with this Clerk id (`org_…`), or null. */
  async getOrganization(ctx: RunQueryCtx, orgId: string): Promise<SyncedOrganization | null> {
    return toSynced(await ctx.runQuery(this.component.organizations.get, { orgId }));
  }

  /** The organization with this slug, or null. */
  async getOrganizationBySlug(ctx: RunQueryCtx, slug: string): Promise<SyncedOrganization | null> {
    return toSynced(await ctx.runQuery(this.component.organizations.getBySlug, { slug }));
  }

  /** A user's memberships, each with its organization (null if not synced yet); at most 500. */
  async listOrganizationsForUser(
    ctx: RunQueryCtx,
    clerkId: string,
  ): Promise<{ membership: SyncedMembership; organization: SyncedOrganization | null }[]> {
    const rows = await ctx.runQuery(this.component.memberships.listForUser, { clerkId });
    return rows.map(({ membership, organization }) => ({
      membership: toSynced(membership),
      organization: toSynced(organization),
    }));
  }

  /** A page of an organization's memberships. */
  async listMembers(
    ctx: RunQueryCtx,
    orgId: string,
    args: { paginationOpts: PaginationOptions },
  ): Promise<PaginationResult<SyncedMembership>> {
    const result = await ctx.runQuery(this.component.memberships.listMembers, {
      orgId,
      paginationOpts: pageRequest(args.paginationOpts),
    });
    return { ...result, page: result.page.map((record) => toSynced(record)) };
  }

  /** A user's membership in an organization, or null. */
  async getMembership(ctx: RunQueryCtx, args: { orgId: string; clerkId: string }): Promise<SyncedMembership | null> {
    return toSynced(await ctx.runQuery(this.component.memberships.getMembership, args));
  }

  /**
   * The signed-in user's membership in `orgId`, if it has the role (`"org:admin"`; legacy
   * `admin`/`basic_member` keys count as `org:admin`/`org:member`) or the permission
   * (`{ permission: "org:posts:write" }`); with no requirement, any membership. Otherwise
   * throws a `ConvexError` with `code` `UNAUTHENTICATED`, or `FORBIDDEN` when the user is
   * not a member or lacks the role or permission.
   */
  async requireOrgRole(
    ctx: RunQueryAuthCtx,
    orgId: string,
    requirement?: OrgRequirement,
  ): Promise<SyncedMembership> {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) {
      throw new ConvexError({ code: "UNAUTHENTICATED" satisfies ClerkSyncErrorCode, message: "Not signed in" });
    }
    const membership = await this.getMembership(ctx, { orgId, clerkId: identity.subject });
    const allowed =
      membership !== null &&
      (requirement === undefined ||
        (typeof requirement === "string"
          ? membership.role === requirement || EQUIVALENT_ROLES[membership.role] === requirement
          : membership.permissions.includes(requirement.permission)));
    if (!allowed) {
      const wanted = typeof requirement === "string" ? `role ${requirement}` : `permission ${requirement?.permission}`;
      throw new ConvexError({
        code: "FORBIDDEN" satisfies ClerkSyncErrorCode,
        message: membership ? `Requires ${wanted} in this organization` : "Not a member of this organization",
      });
    }
    return membership;
  }

  /**
   * From an action: the signed-in user, fetched from Clerk's Backend API and stored
   * (under the webhook rules, hooks included) when the webhook has not arrived yet.
   * Null when signed out, or when Clerk has no such user. Needs `CLERK_SECRET_KEY`.
   * Actions only: it loads the Backend API client on demand, which Convex allows in
   * actions alone (a mutation's ctx does not type-check).
   */
  async syncCurrentUser(ctx: RunActionCtx): Promise<SyncedUser | null> {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) return null;
    const stored = await this.getUser(ctx, identity.subject);
    if (stored) return stored;
    // Loaded on demand: keeps the Backend API client out of every other code path.
    const { clerkClient, fetchUser } = await import("./clerkApi.js");
    const client = clerkClient(this.options.clerkApi ?? {});
    if (typeof client === "string") throw new Error(client);
    const user = await fetchUser(client, identity.subject);
    if (!user) return null;
    await ctx.runMutation(this.component.users.upsert, { user, hooks: await this.hookHandles(), source: "api" });
    return this.getUser(ctx, identity.subject);
  }
}

/** The fields of a host's `paginationOpts` the component pages by (`endCursor` pins a reactive page's end). */
function pageRequest({ numItems, cursor, endCursor }: PaginationOptions) {
  return { numItems, cursor, ...(endCursor !== undefined ? { endCursor } : {}) };
}
