import type { UserJSON } from "@clerk/backend";
import { randomToken } from "./sign.js";

/** A Clerk webhook envelope as Svix delivers it. */
export type ClerkWebhookPayload<Data = Record<string, unknown>> = {
  data: Data;
  object: "event";
  type: string;
  instance_id: string;
  timestamp: number;
};

/** Fields of a user to override; `email: null` removes the email. */
export type UserOverrides = Partial<Omit<UserJSON, "id">> & {
  id?: string;
  /** Shorthand for one verified primary email address. */
  email?: string | null;
};

/** A Clerk user id of the real shape. */
export function newUserId(): string {
  return `user_${randomToken()}`;
}

/**
 * A user object as Clerk sends it, based on the example in Clerk's webhook docs,
 * with a fresh id and `overrides` on top.
 */
export function clerkUser(overrides: UserOverrides = {}): Record<string, unknown> & { id: string } {
  const { email, ...fields } = overrides;
  const id = fields.id ?? newUserId();
  const now = Date.now();
  const address = email === undefined ? `${id.toLowerCase()}@example.org` : email;
  const emailId = `idn_${randomToken()}`;
  return {
    birthday: "",
    created_at: now,
    email_addresses:
      address === null
        ? []
        : [
            {
              email_address: address,
              id: emailId,
              linked_to: [],
              object: "email_address",
              verification: { status: "verified", strategy: "ticket" },
            },
          ],
    external_accounts: [],
    external_id: null,
    first_name: "Example",
    gender: "",
    image_url: "https://img.clerk.com/xxxxxx",
    last_name: "Example",
    last_sign_in_at: now,
    object: "user",
    password_enabled: true,
    phone_numbers: [],
    primary_email_address_id: address === null ? null : emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    private_metadata: {},
    profile_image_url: "https://www.gravatar.com/avatar?d=mp",
    public_metadata: {},
    two_factor_enabled: false,
    unsafe_metadata: {},
    updated_at: now,
    username: null,
    web3_wallets: [],
    ...fields,
    id,
  };
}

function envelope<Data>(type: string, data: Data): ClerkWebhookPayload<Data> {
  return { data, object: "event", type, instance_id: "ins_123", timestamp: Date.now() };
}

/** A `user.created` delivery. */
export function userCreated(overrides: UserOverrides = {}) {
  return envelope("user.created", clerkUser(overrides));
}

/** A `user.updated` delivery. Pass a later `updated_at` than the stored version. */
export function userUpdated(overrides: UserOverrides = {}) {
  return envelope("user.updated", clerkUser(overrides));
}

/** A `user.deleted` delivery: Clerk sends only the id and `deleted: true`. */
export function userDeleted(id: string) {
  return envelope("user.deleted", { id, object: "user", deleted: true });
}
