import { randomToken } from "../../src/events/sign.js";
import { clerkUser, type UserOverrides } from "../../src/events/payloads.js";

/**
 * A user as Clerk sends it for an established account, about 3 KB of JSON: two
 * email addresses, a phone number, Google and GitHub accounts, and metadata. The
 * minimal user of the test helpers is a third of that, lighter than real traffic.
 */
export function typicalClerkUser(overrides: UserOverrides = {}) {
  const { email: _shorthand, ...fields } = overrides;
  const base = clerkUser(overrides);
  const emails = [base.id.toLowerCase(), "work"].map((local, i) => ({
    id: i === 0 ? (base.primary_email_address_id as string) : `idn_${randomToken()}`,
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
  const phoneId = `idn_${randomToken()}`;
  return {
    ...base,
    first_name: "Ada",
    last_name: "Lovelace",
    username: "ada_lovelace",
    email_addresses: emails,
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
    external_accounts: ["google", "github"].map((provider) => ({
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
    })),
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

/** Clerk's envelope around a user event, as Svix delivers it. */
export function clerkEvent(type: "user.created" | "user.updated", user: Record<string, unknown>) {
  return { data: user, object: "event", type, instance_id: "ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S", timestamp: Date.now() };
}
