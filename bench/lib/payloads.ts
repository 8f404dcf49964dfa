import { randomToken } from "../../src/events/sign.js";
import { clerkUser, type UserOverrides } from "../../src/events/payloads.js";

/** A user object as Clerk's JSON has it. */
export type ClerkUserJSON = Record<string, unknown> & { id: string };

/**
 * A user as Clerk sends it for an established account, about 3 KB of JSON: two
 * email addresses, a phone number, Google and GitHub accounts, and metadata. The
 * minimal user of the test helpers is a third of that, lighter than real traffic.
 */
export function typicalClerkUser(overrides: UserOverrides = {}) {
  const { email: _shorthand, ...fields } = overrides;
  const base = clerkUser(overrides);
  const phoneId = `idn_${randomToken()}`;
  return {
    ...base,
    first_name: "Ada",
    last_name: "Lovelace",
    username: "ada_lovelace",
    email_addresses: emailAddresses(base.id, base.primary_email_address_id as string),
    primary_phone_number_id: phoneId,
    phone_numbers: [
      {
        id: phoneId,
        object: "phone_number",
        phone_number: "+15555550100",
        reserved_for_second_factor: false,
        default_second_factor: false,
        linked_to: [],
        verification: { status: "verified", strategy: "phone_code", attempts: 1, expire_at: 1716883800000 },
        created_at: 1716883200000,
        updated_at: 1716883200000,
      },
    ],
    external_accounts: ["google", "github"].map(externalAccount),
    public_metadata: { plan: "team", role: "admin", orgSlug: "analytical-engines", onboardingComplete: true },
    private_metadata: { stripeCustomerId: "cus_Q2x8mXb5LkP1Zr" },
    unsafe_metadata: { theme: "dark", locale: "en-GB" },
    has_image: true,
    backup_code_enabled: false,
    create_organization_enabled: true,
    delete_self_enabled: true,
    legal_accepted_at: 1716883200000,
    last_active_at: 1716969600000,
    locked: false,
    mfa_enabled_at: null,
    passkeys: [],
    saml_accounts: [],
    enterprise_accounts: [],
    totp_enabled: false,
    ...fields,
    id: base.id,
  };
}

/** The primary address and a work address linked to Google, as Clerk lists them. */
function emailAddresses(userId: string, primaryId: string) {
  return [userId.toLowerCase(), "work"].map((local, i) => ({
    id: i === 0 ? primaryId : `idn_${randomToken()}`,
    object: "email_address",
    email_address: i === 0 ? `${local}@example.org` : `ada.${local}@example.com`,
    reserved: false,
    linked_to: i === 1 ? [{ type: "oauth_google", id: `idn_${randomToken()}` }] : [],
    verification: {
      status: "verified",
      strategy: i === 1 ? "from_oauth_google" : "email_code",
      attempts: 1,
      expire_at: 1716883800000,
    },
    created_at: 1716883200000,
    updated_at: 1716883200000,
  }));
}

/** A Google or GitHub account, as Clerk lists it. */
function externalAccount(provider: string) {
  return {
    id: `idn_${randomToken()}`,
    object: `${provider}_account`,
    provider: `oauth_${provider}`,
    identification_id: `idn_${randomToken()}`,
    provider_user_id: "104385092849310457823",
    approved_scopes: "email openid profile",
    email_address: "ada.work@example.com",
    first_name: "Ada",
    last_name: "Lovelace",
    image_url: "https://img.clerk.com/eyJ0eXBlIjoicHJveHkiLCJzcmMiOiJodHRwczovL2F2YXRhcnMifQ",
    username: provider === "github" ? "ada-lovelace" : null,
    verification: { status: "verified", strategy: `oauth_${provider}`, attempts: null, expire_at: 1716883800000 },
    created_at: 1716883200000,
    updated_at: 1716883200000,
  };
}

/** Clerk's envelope around a user event, as Svix delivers it. */
export function clerkEvent(type: "user.created" | "user.updated", user: Record<string, unknown>) {
  return { data: user, object: "event", type, instance_id: "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S", timestamp: Date.now() };
}

/** Clerk's cap on each of a user's three metadata objects, in bytes of JSON. */
export const METADATA_CAP_BYTES = 8 * 1024;
/** Contact details on the largest user: far more than any real account holds. */
/** The two shapes of the largest metadata (see `largestMetadata`). */
export type MetadataShape = "wide" | "deep";

export const LARGEST_USER_COUNTS = { emailAddresses: 100, phoneNumbers: 100, externalAccounts: 20, web3Wallets: 10 };

/**
 * Metadata as large as Clerk lets it be (8 KB of JSON), in the two shapes that cost most
 * to map: `wide`, hundreds of keys with non-ASCII characters (each percent-encoded into a
 * Convex field name); `deep`, an array nested as deep as 8 KB allows (about 4,000 levels,
 * kept as JSON text below the depth Convex can hold).
 */
export function largestMetadata(shape: MetadataShape): Record<string, unknown> {
  return (metadataByShape[shape] ??= buildMetadata(shape));
}

/** Built once per shape and shared: the users only ever go out as JSON. */
const metadataByShape: Partial<Record<MetadataShape, Record<string, unknown>>> = {};

function buildMetadata(shape: MetadataShape): Record<string, unknown> {
  if (shape === "deep") {
    const levels = (METADATA_CAP_BYTES - '{"a":}'.length) >> 1;
    let value: unknown = [];
    for (let i = 1; i < levels; i++) value = [value];
    return { a: value };
  }
  const metadata: Record<string, unknown> = {};
  for (let i = 0; ; i++) {
    const key = `réglage_${String(i).padStart(4, "0")}`;
    metadata[key] = [i, "é", true];
    if (Buffer.byteLength(JSON.stringify(metadata)) > METADATA_CAP_BYTES) {
      delete metadata[key];
      return metadata;
    }
  }
}

/**
 * The largest user Clerk can send as we model it: 8 KB in each metadata object and
 * `LARGEST_USER_COUNTS` email addresses, phone numbers, external accounts and wallets
 * around the typical user.
 */
export function largestClerkUser(shape: MetadataShape, overrides: UserOverrides = {}): ClerkUserJSON {
  const base = typicalClerkUser(overrides);
  const [email] = base.email_addresses;
  const [phone] = base.phone_numbers;
  const [account] = base.external_accounts;
  const copies = <T extends object>(item: T, count: number, fields: (i: number) => Partial<T>) =>
    Array.from({ length: count }, (_, i) => ({ ...item, ...fields(i) }));
  return {
    ...base,
    email_addresses: copies(email, LARGEST_USER_COUNTS.emailAddresses, (i) =>
      i === 0 ? {} : { id: `idn_${randomToken()}`, email_address: `ada.${i}@example.com` },
    ),
    phone_numbers: copies(phone, LARGEST_USER_COUNTS.phoneNumbers, (i) =>
      i === 0 ? {} : { id: `idn_${randomToken()}`, phone_number: `+1555555${String(i).padStart(4, "0")}` },
    ),
    external_accounts: copies(account, LARGEST_USER_COUNTS.externalAccounts, () => ({ id: `idn_${randomToken()}` })),
    web3_wallets: Array.from({ length: LARGEST_USER_COUNTS.web3Wallets }, () => ({
      id: `idn_${randomToken()}`,
      object: "web3_wallet",
      web3_wallet: `0x${randomToken().toLowerCase()}${randomToken().toLowerCase().slice(0, 13)}`,
      verification: { status: "verified", strategy: "web3_metamask_signature", attempts: 1, expire_at: 1716883800000 },
      created_at: 1716883200000,
      updated_at: 1716883200000,
    })),
    public_metadata: largestMetadata(shape),
    private_metadata: largestMetadata(shape),
    unsafe_metadata: largestMetadata(shape),
  };
}
