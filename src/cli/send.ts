// `convex-clerk-sync send`: signs Clerk events as Svix does and posts them, one line per answer.
import { readFile } from "node:fs/promises";
import { MultiBar } from "cli-progress";
import { Argument, Command, InvalidArgumentError, Option } from "commander";
import { randomToken, signDelivery, type SignedDelivery } from "../events/sign.js";
import {
  CliError,
  postJson,
  printable,
  requiredSecrets,
  SECRET_HELP,
  unreachable,
  URL_HELP,
  webhookUrl,
  type Io,
  type PostAnswer,
} from "./common.js";
import { EVENT_TYPES, kindOf, type EventFields } from "./events.js";

type SendOptions = EventFields & { url: string; secret?: string; file?: string; id?: string; count: number };

type Delivery = { payload: unknown; label: string };

/** Flag → the field it sets, for the message when a flag does not apply to the event. */
const FIELD_FLAGS: Record<keyof EventFields, string> = {
  email: "--email",
  firstName: "--first-name",
  lastName: "--last-name",
  username: "--username",
  name: "--name",
  slug: "--slug",
  orgId: "--org-id",
  userId: "--user-id",
  role: "--role",
  key: "--key",
  permissions: "--permissions",
  plan: "--plan",
  payerUser: "--payer-user",
  payerOrg: "--payer-org",
  status: "--status",
};

const HELP_AFTER = `
Each delivery is signed like Svix does (svix-id, svix-timestamp, svix-signature).
Without --id every delivery is for a fresh object id, so --count N sends N distinct
objects; --id is only allowed with --count 1. The field flags apply to every object
sent, and only to the events whose object has that field: user.* takes --email,
--first-name, --last-name, --username; organization.* --name, --slug;
organizationMembership.* --org-id, --user-id, --role; organizationInvitation.created
--org-id, --email, --role (.accepted --org-id, --user-id; .revoked --org-id); role.* --key, --name,
--permissions (comma-separated keys); permission.* --key, --name; subscription.* and
subscriptionItem.* --plan, --payer-user or --payer-org, --status. A *.deleted event
carries only the id (organization.deleted also --slug; a membership its whole object).
Updates carry updated_at = now, so they are newer than what the endpoint stored.
--file sends the file's bytes as they are.
${URL_HELP}
Prints one line per answer: status, outcome, time, event, object id.
Exits with 1 if any answer is not 2xx or the endpoint cannot be reached.

Examples:
  $ convex-clerk-sync send user.created --url https://<name>.convex.site \\
      --secret whsec_... --email ada@example.org --first-name Ada
  $ convex-clerk-sync send user.updated --url ... --id user_2abc... --last-name Lovelace
  $ convex-clerk-sync send organizationMembership.created --url ... --org-id org_2abc... \\
      --user-id user_2abc... --role org:admin
  $ convex-clerk-sync send subscriptionItem.canceled --url ... --payer-org org_2abc... --plan pro
  $ convex-clerk-sync send --url ... --file event.json
  $ convex-clerk-sync send user.created --url ... --count 100
`;

/** The `send` command; `done` receives its exit code. */
export function sendCommand(io: Io, done: (code: number) => void): Command {
  return new Command("send")
    .description(
      "Sign and POST Clerk events (users, organizations, memberships, invitations, roles, permissions, billing).",
    )
    .addArgument(new Argument("[event]", "the event type to send").choices(EVENT_TYPES))
    .requiredOption("--url <url>", "the deployment's HTTP Actions URL, e.g. https://<name>.convex.site[/path]")
    .option("--secret <whsec_…>", `${SECRET_HELP}; each signs every delivery`)
    .addOption(
      new Option("--file <path>", "send this saved payload instead of a generated one").conflicts([
        "id",
        "count",
        ...Object.keys(FIELD_FLAGS),
      ]),
    )
    .option("--id <id>", "the object's Clerk id (default: a fresh one per delivery)")
    .option("--email <address>", "a user's primary email address")
    .option("--first-name <name>", "a user's first name")
    .option("--last-name <name>", "a user's last name")
    .option("--username <name>", "a user's username")
    .option("--name <name>", "an organization's, role's or permission's name")
    .option("--slug <slug>", "an organization's slug")
    .option("--org-id <org_…>", "a membership's organization (default: a fresh one)")
    .option("--user-id <user_…>", "a membership's user (default: a fresh one)")
    .option("--role <key>", "a membership's role key, e.g. org:admin")
    .option("--key <key>", "a role's or permission's key, e.g. org:editor, org:posts:read")
    .option("--permissions <keys>", "a role's permission keys, comma-separated", (value) => value.split(","))
    .option("--plan <slug>", "the plan of a subscription's item or of an item")
    .addOption(new Option("--payer-user <user_…>", "the paying user (default: a fresh one)").conflicts("payerOrg"))
    .option("--payer-org <org_…>", "the paying organization")
    .option("--status <status>", "a subscription's or item's status, e.g. active, past_due, canceled")
    .option("--count <n>", "how many deliveries to send", parseCount, 1)
    .addHelpText("after", HELP_AFTER)
    .action(async (event: string | undefined, options: SendOptions) => {
      done(await send(event, options, io));
    });
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new InvalidArgumentError("expected a whole number of at least 1.");
  }
  return count;
}

async function send(event: string | undefined, options: SendOptions, io: Io) {
  // Everything is checked before the first request, so a mistake sends nothing.
  const url = webhookUrl(options.url);
  const secrets = requiredSecrets(options.secret);
  const next = await deliveries(event, options);

  const bars =
    io.isTTY && options.count > 1
      ? new MultiBar({ stream: terminalStream(io), format: "{bar} {value}/{total}" })
      : undefined;
  const bar = bars?.create(options.count, 0);
  const print = (line: string) => (bars ? bars.log(`${line}\n`) : io.stdout.write(`${line}\n`));

  let ok = 0;
  try {
    for (let i = 0; i < options.count; i++) {
      const { payload, label } = next();
      const { body, headers } = signedWithEach(payload, secrets);
      const answer = await post(url, body, headers);
      if (answer.status >= 200 && answer.status < 300) ok++;
      print(formatAnswer(answer, label, secrets));
      bar?.increment();
    }
  } finally {
    // `update` flushes the lines logged since the last redraw; `stop` does not.
    bars?.update();
    bars?.stop();
  }
  if (options.count > 1) io.stdout.write(`${options.count} sent: ${ok} 2xx, ${options.count - ok} not\n`);
  return ok === options.count ? 0 : 1;
}

/**
 * The delivery signed with each secret, its signatures side by side in `svix-signature` as Svix
 * sends several: an endpoint that holds any one of them verifies it.
 */
function signedWithEach(payload: unknown, secrets: readonly string[]): SignedDelivery {
  const options = { id: `msg_${randomToken()}`, timestamp: new Date() };
  const signed = secrets.map((secret) => signDelivery(payload, secret, options));
  const signature = signed.map(({ headers }) => headers["svix-signature"]).join(" ");
  return { body: signed[0]!.body, headers: { ...signed[0]!.headers, "svix-signature": signature } };
}

/** A function giving the next delivery to send, after checking the options fit together. */
async function deliveries(event: string | undefined, options: SendOptions): Promise<() => Delivery> {
  if (options.file !== undefined) {
    if (event) throw new CliError("give an event type or --file, not both");
    const path = options.file;
    const text = await readFile(path, "utf8").catch((error: Error) => {
      throw new CliError(`cannot read --file: ${error.message}`);
    });
    const label = printable(labelOf(text) ?? path);
    return () => ({ payload: text, label });
  }
  if (!event) throw new CliError(`say which event to send (see send --help), or --file <path>`);
  const kind = kindOf(event);
  if (!kind) throw new CliError(`send does not build ${event}`);
  if (options.id !== undefined && options.count > 1) {
    throw new CliError("--id names one object: leave it out to send --count distinct ones");
  }
  const applies = kind.fields(event);
  const given = (Object.keys(FIELD_FLAGS) as (keyof EventFields)[]).filter((field) => options[field] !== undefined);
  const extra = given.filter((field) => !applies.includes(field));
  if (extra.length > 0) {
    const flags = extra.map((field) => FIELD_FLAGS[field]).join(", ");
    const takes = applies.length > 0 ? applies.map((field) => FIELD_FLAGS[field]).join(", ") : "no field flags";
    throw new CliError(`${event} does not take ${flags}: it takes ${takes}`);
  }
  return () => {
    const id = options.id ?? kind.newId();
    return { payload: kind.build(event, id, options), label: `${event} ${id}` };
  };
}

/** `type data.id` of a saved payload, when it has them. */
function labelOf(text: string): string | undefined {
  try {
    const payload = JSON.parse(text) as { type?: unknown; data?: { id?: unknown } } | null;
    if (typeof payload?.type === "string") {
      return typeof payload.data?.id === "string" ? `${payload.type} ${payload.data.id}` : payload.type;
    }
  } catch {
    // not JSON: it is sent anyway, which is how to see the endpoint reject it
  }
  return undefined;
}

async function post(url: URL, body: string, headers: Record<string, string>): Promise<PostAnswer> {
  try {
    return await postJson(url, body, headers);
  } catch (error) {
    throw new CliError(unreachable(url, error));
  }
}

/** `200 inserted     34 ms  user.created user_…`, with the endpoint's error or reason after it. */
function formatAnswer({ status, text, ms }: PostAnswer, label: string, secrets: readonly string[]): string {
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown> | null;
  } catch {
    // not JSON: shown as text below
  }
  const str = (value: unknown) => (typeof value === "string" ? value : undefined);
  // Whatever the endpoint chose is printed scrubbed, on this line and cut short.
  const said = str(json?.["outcome"]);
  const outcome = said !== undefined ? printable(said) : status >= 200 && status < 300 ? "ok" : "error";
  const error = json ? (str(json["error"]) ?? str(json["reason"])) : undefined;
  const note = printable(error ?? (json ? "" : text), { known: secrets, flatten: error === undefined });
  return `${status} ${outcome.padEnd(10)} ${String(ms).padStart(4)} ms  ${label}${note ? `  (${note})` : ""}`;
}

/** cli-progress draws only on a stream that says it is a terminal; `io.isTTY` decides that here. */
function terminalStream(io: Io): NodeJS.WritableStream {
  const stream = { isTTY: true, columns: io.stdout.columns, write: (text: string) => io.stdout.write(text) };
  return stream as unknown as NodeJS.WritableStream;
}
