import { Webhook } from "svix";

export type SignedDelivery = {
  body: string;
  headers: { "svix-id": string; "svix-timestamp": string; "svix-signature": string };
};

/**
 * Sign a payload as Svix does: the body and the three `svix-*` headers.
 * `id` defaults to a fresh `msg_…`, `timestamp` to now.
 */
export function signDelivery(
  payload: unknown,
  secret: string,
  options: { id?: string; timestamp?: Date } = {},
): SignedDelivery {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const id = options.id ?? `msg_${randomToken()}`;
  const timestamp = options.timestamp ?? new Date();
  const signature = new Webhook(secret).sign(id, timestamp, body);
  return {
    body,
    headers: {
      "svix-id": id,
      "svix-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "svix-signature": signature,
    },
  };
}

/** 27 alphanumeric characters, the length of Clerk's and Svix's ids. */
export function randomToken(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 27).padEnd(27, "0");
}
