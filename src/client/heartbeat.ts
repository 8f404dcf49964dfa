// The heartbeat's sender: on the host's schedule, a nonce written to a dedicated Clerk user's
// private metadata (one Backend API request), which Clerk answers with a `user.updated` delivery
// through Svix to the webhook route; the route records its return. The secret key stays in the
// host's action, as the backfill's step reads it.
import {
  internalActionGeneric,
  type GenericActionCtx,
  type GenericDataModel,
  type RegisteredAction,
} from "convex/server";
import { ConvexError, v } from "convex/values";
import { isClerkAPIResponseError } from "@clerk/backend/errors";
import type { RoundTrip } from "../component/heartbeatRecords.js";
import { clerkClient, type ClerkApiOptions } from "./clerkApi.js";
import type { ClerkSync, RunQueryCtx } from "./clerkSync.js";
import { HEARTBEAT_METADATA_KEY } from "./heartbeatMarker.js";

const MINUTE = 60_000;
/** How often `send` is meant to run when `intervalMs` is not given: 288 Clerk requests a day. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5 * MINUTE;

export type HeartbeatOptions = ClerkApiOptions & {
  /** How often the host's cron calls `send` (ms). Default 5 minutes: 288 Clerk requests a day. */
  intervalMs?: number;
  /** A heartbeat not back this long after it was sent makes the verdict `silent` (ms). Default twice `intervalMs`. */
  windowMs?: number;
};

/** Error codes of the `ConvexError`s the heartbeat's actions throw. */
export type ClerkHeartbeatErrorCode =
  "HEARTBEAT_NO_SECRET_KEY" | "HEARTBEAT_NOT_SET_UP" | "HEARTBEAT_USER_NOT_FOUND" | "HEARTBEAT_USER_REFUSED";

/** What `setUp` did: the heartbeat's Clerk user, and whether it created it. */
export type HeartbeatSetup = { userId: string; created: boolean };

/** The heartbeat as stored: its user, the newest round trips (newest first), the latest outage it ended. */
export type HeartbeatStatus = {
  userId: string;
  created: boolean;
  setUpAt: number;
  roundTrips: RoundTrip[];
  lastOutage: { from: number; to: number; healRunId: string | null; heal: string } | null;
};

type SetUpArgs = { userId?: string; emailAddress?: string };
type Ctx = GenericActionCtx<GenericDataModel>;

function heartbeatError(code: ClerkHeartbeatErrorCode, message: string) {
  return new ConvexError({ code, message });
}

/**
 * A heartbeat through Clerk, Svix and the webhook route, for `getSyncHealth`:
 * `const heartbeat = new ClerkHeartbeat(clerk)`, then export `heartbeat.send` for a cron every
 * `intervalMs` and `heartbeat.setUp` to run once (docs/health.md).
 */
export class ClerkHeartbeat {
  /** Export for the host's cron: one Backend API request. */
  readonly send: RegisteredAction<"internal", Record<string, never>, Promise<{ sentAt: number }>>;
  /**
   * Export and run once: `{ userId }` names an existing Clerk user; without it, one is created
   * (with `emailAddress`, for an instance that requires one).
   */
  readonly setUp: RegisteredAction<"internal", SetUpArgs, Promise<HeartbeatSetup>>;

  constructor(
    private readonly clerk: ClerkSync,
    private readonly options: HeartbeatOptions = {},
  ) {
    const intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    if (!(intervalMs > 0) || !((options.windowMs ?? 1) > 0)) {
      throw new Error("the heartbeat's intervalMs and windowMs must be positive numbers of milliseconds");
    }
    this.send = internalActionGeneric({
      args: {},
      returns: v.object({ sentAt: v.number() }),
      handler: (ctx: Ctx) => this.sendOnce(ctx, options.windowMs ?? 2 * intervalMs),
    }) as typeof this.send;
    this.setUp = internalActionGeneric({
      args: { userId: v.optional(v.string()), emailAddress: v.optional(v.string()) },
      returns: v.object({ userId: v.string(), created: v.boolean() }),
      handler: (ctx: Ctx, args: SetUpArgs) => this.setUpUser(ctx, args),
    }) as typeof this.setUp;
  }

  /** The heartbeat's user, newest round trips and latest outage; null before `setUp`. */
  async status(ctx: RunQueryCtx): Promise<HeartbeatStatus | null> {
    return ctx.runQuery(this.clerk.component.heartbeat.status, {});
  }

  private client() {
    const client = clerkClient(this.options);
    if (typeof client === "string") throw heartbeatError("HEARTBEAT_NO_SECRET_KEY", `heartbeat: ${client}`);
    return client;
  }

  private async sendOnce(ctx: Ctx, windowMs: number) {
    const client = this.client();
    const begun = await ctx.runMutation(this.clerk.component.heartbeat.begin, { windowMs });
    if (!begun) {
      throw heartbeatError("HEARTBEAT_NOT_SET_UP", "the heartbeat is not set up: run its setUp action once");
    }
    const sentAt = Date.now();
    try {
      await client.users.updateUserMetadata(begun.userId, {
        privateMetadata: { [HEARTBEAT_METADATA_KEY]: { nonce: begun.nonce } },
      });
    } catch (error) {
      const message = clerkMessage(error);
      await ctx.runMutation(this.clerk.component.heartbeat.sendFailed, { nonce: begun.nonce, error: message });
      if (isClerkAPIResponseError(error) && error.status === 404) {
        throw heartbeatError(
          "HEARTBEAT_USER_NOT_FOUND",
          `the heartbeat user ${begun.userId} no longer exists in Clerk: run setUp again`,
        );
      }
      throw new Error(`heartbeat not sent: ${message}`, { cause: error });
    }
    return { sentAt };
  }

  private async setUpUser(ctx: Ctx, { userId, emailAddress }: SetUpArgs): Promise<HeartbeatSetup> {
    const client = this.client();
    const marker = { [HEARTBEAT_METADATA_KEY]: { nonce: "" } };
    let id = userId;
    if (id !== undefined) {
      try {
        await client.users.updateUserMetadata(id, { privateMetadata: marker });
      } catch (error) {
        if (isClerkAPIResponseError(error) && error.status === 404) {
          throw heartbeatError("HEARTBEAT_USER_NOT_FOUND", `Clerk has no user ${id} to use as the heartbeat user`);
        }
        throw error;
      }
    } else {
      id = await createHeartbeatUser(client, marker, emailAddress);
    }
    await ctx.runMutation(this.clerk.component.heartbeat.setUp, { userId: id, created: userId === undefined });
    return { userId: id, created: userId === undefined };
  }
}

type Client = Exclude<ReturnType<typeof clerkClient>, string>;

/** A user with no password and no sign-in method of its own, unless the instance requires one. */
async function createHeartbeatUser(client: Client, marker: Record<string, unknown>, emailAddress?: string) {
  try {
    const user = await client.users.createUser({
      firstName: "Clerk sync",
      lastName: "heartbeat",
      skipPasswordRequirement: true,
      privateMetadata: marker,
      ...(emailAddress ? { emailAddress: [emailAddress] } : {}),
    });
    return user.id;
  } catch (error) {
    if (isClerkAPIResponseError(error) && error.status === 422) {
      throw heartbeatError(
        "HEARTBEAT_USER_REFUSED",
        `Clerk refused to create the heartbeat user (${clerkMessage(error)}): this instance's settings require ` +
          "more of every user (an email address, a phone number, a username). Run setUp with { emailAddress } " +
          "for an address you own, or create a user in Clerk's dashboard and run setUp with { userId }",
      );
    }
    throw error;
  }
}

/** Clerk's error codes and parameters, or the error's message; never the key. */
function clerkMessage(error: unknown): string {
  if (isClerkAPIResponseError(error)) {
    const details = error.errors.map((e) => `${e.code}${e.meta?.paramName ? ` ${e.meta.paramName}` : ""}`);
    return `Clerk answered ${error.status}: ${details.join(", ") || error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
