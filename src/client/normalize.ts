import type { EmailAddressJSON, PhoneNumberJSON, UserJSON } from "@clerk/backend";
import type { UserEvent, UserRecord } from "../component/validators.js";

/**
 * What a verified webhook body turns into: an event for the component, something
 * to acknowledge and ignore, or a body that is not a Clerk event at all.
 */
export type NormalizedDelivery =
  | { kind: "event"; event: UserEvent }
  | { kind: "ignored"; eventType: string; reason: string }
  | { kind: "invalid"; reason: string };

const USER_EVENTS = new Set(["user.created", "user.updated", "user.deleted"]);

/**
 * Turn a parsed webhook body into a component event. Never throws: Clerk's payloads
 * are read defensively, since a thrown error here would become a 5xx that Svix
 * retries for days.
 */
export function normalizeDelivery(body: unknown): NormalizedDelivery {
  if (!isObject(body) || typeof body.type !== "string" || !isObject(body.data)) {
    return { kind: "invalid", reason: "body is not a Clerk event (no `type` and `data` object)" };
  }
  const { type, data } = body;
  if (!USER_EVENTS.has(type)) {
    return { kind: "ignored", eventType: type, reason: "event type not synced" };
  }
  const clerkId = data.id;
  if (typeof clerkId !== "string" || clerkId === "") {
    // Clerk's deleted-object type marks `id` optional: nothing to delete without it.
    return type === "user.deleted"
      ? { kind: "ignored", eventType: type, reason: "deleted object without id" }
      : { kind: "invalid", reason: `${type} without a user id` };
  }
  if (type === "user.deleted") return { kind: "event", event: { type, clerkId } };
  return {
    kind: "event",
    event: {
      type: type as "user.created" | "user.updated",
      user: normalizeUser(data as Partial<UserJSON> & { id: string }),
    },
  };
}

/** Map Clerk's user JSON (webhook or Backend API) to the stored record. */
export function normalizeUser(data: Partial<UserJSON> & { id: string }): UserRecord {
  const primaryEmail = findById<EmailAddressJSON>(data.email_addresses, data.primary_email_address_id);
  const primaryPhone = findById<PhoneNumberJSON>(data.phone_numbers, data.primary_phone_number_id);
  const email = text(primaryEmail?.email_address);
  const firstName = text(data.first_name);
  const lastName = text(data.last_name);
  const username = text(data.username);
  const createdAt = timestamp(data.created_at) ?? 0;
  return {
    clerkId: data.id,
    email,
    emailVerified: email !== null && primaryEmail?.verification?.status === "verified",
    phone: text(primaryPhone?.phone_number),
    username,
    firstName,
    lastName,
    name: displayName({ firstName, lastName, username, email, clerkId: data.id }),
    imageUrl: text(data.image_url),
    externalId: text(data.external_id),
    publicMetadataJson: metadataJson(data.public_metadata),
    createdAt,
    updatedAt: timestamp(data.updated_at) ?? createdAt,
    lastSignInAt: timestamp(data.last_sign_in_at),
    banned: data.banned === true,
  };
}

/** First + last, else whichever exists, else username, else email, else the Clerk id. */
export function displayName(user: {
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  email: string | null;
  clerkId: string;
}): string {
  const fullName = [user.firstName, user.lastName].filter((part) => part !== null).join(" ");
  return fullName || user.username || user.email || user.clerkId;
}

function findById<T>(items: unknown, id: unknown): T | null {
  if (!Array.isArray(items) || typeof id !== "string") return null;
  return (items.find((item) => isObject(item) && item.id === id) as T | undefined) ?? null;
}

/** A trimmed, non-empty string, or null for anything else (null, "", numbers, ...). */
function text(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function timestamp(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Metadata as JSON text; anything but a JSON object is stored as `{}`. */
function metadataJson(value: unknown): string {
  return isObject(value) ? JSON.stringify(value) : "{}";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
