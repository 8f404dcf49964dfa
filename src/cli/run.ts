import { readFile } from "node:fs/promises";
import { MultiBar } from "cli-progress";
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { newUserId, userCreated, userDeleted, userUpdated, type UserOverrides } from "../events/payloads.js";
import { signDelivery } from "../events/sign.js";
import {
  checkSecret,
  CliError,
  oneLine,
  parseUrl,
  postJson,
  SECRET_ENV,
  unreachable,
  type Io,
  type PostAnswer,
} from "./common.js";
import {
  CLERK_API_URL_ENV,
  CLERK_SECRET_KEY_ENV,
  doctor,
  DOCTOR_HELP_AFTER,
  ISSUER_ENV,
  type DoctorOptions,
} from "./doctor.js";

export type { Io } from "./common.js";

const EVENTS = ["user.created", "user.updated", "user.deleted"] as const;
type EventType = (typeof EVENTS)[number];

type SendOptions = {
  url: string;
  secret?: string;
  file?: string;
  id?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  count: number;
};

type Delivery = { payload: unknown; label: string };

const HELP_AFTER = `
Each delivery is signed like Svix does (svix-id, svix-timestamp, svix-signature).
Without --id every delivery is for a fresh user id, so --count N sends N distinct
users; user.deleted with --count N sends N deletes of fresh ids. --id is only
allowed with --count 1. --email, --first-name, --last-name and --username apply
to every user sent; user.updated carries updated_at = now, so it is newer.
--file sends the file's bytes as they are.

Prints one line per answer: status, outcome, time, event, user id.
Exits with 1 if any answer is not 2xx or the endpoint cannot be reached.

Examples:
  $ convex-clerk-sync send user.created --url https://<name>.convex.site/clerk-users-webhook \\
      --secret whsec_... --email ada@example.org --first-name Ada
  $ convex-clerk-sync send user.updated --url ... --id user_2abc... --last-name Lovelace
  $ convex-clerk-sync send user.deleted --url ... --id user_2abc...
  $ convex-clerk-sync send --url ... --file event.json
  $ convex-clerk-sync send user.created --url ... --count 100
`;

/** The `convex-clerk-sync` command line; resolves to the exit code instead of exiting. */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const program = new Command("convex-clerk-sync")
    .description("Send signed Clerk webhook deliveries to a convex-clerk-sync endpoint, or check its set-up.")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });

  program
    .command("send")
    .description("Sign and POST Clerk user events, printing each answer.")
    .addArgument(new Argument("[event]", "the event type to send").choices(EVENTS))
    .requiredOption("--url <url>", "the webhook endpoint, e.g. https://<name>.convex.site/clerk-users-webhook")
    .addOption(new Option("--secret <whsec_…>", "the endpoint's signing secret").env(SECRET_ENV))
    .addOption(
      new Option("--file <path>", "send this saved payload instead of a generated one").conflicts([
        "id",
        "email",
        "firstName",
        "lastName",
        "username",
        "count",
      ]),
    )
    .option("--id <user_…>", "the Clerk user id (default: a fresh one per delivery)")
    .option("--email <address>", "primary email address")
    .option("--first-name <name>", "first name")
    .option("--last-name <name>", "last name")
    .option("--username <name>", "username")
    .option("--count <n>", "how many deliveries to send", parseCount, 1)
    .addHelpText("after", HELP_AFTER)
    .action(async (event: EventType | undefined, options: SendOptions, command: Command) => {
      const secretFromEnv = command.getOptionValueSource("secret") === "env";
      exitCode = await send(event, options, secretFromEnv, io);
    });

  program
    .command("doctor")
    .description("Check a deployment's webhook set-up, one line per check, each failure with its fix.")
    .requiredOption("--url <url>", "the deployment's HTTP Actions URL, e.g. https://<name>.convex.site[/path]")
    .addOption(
      new Option("--secret <whsec_…>", "the endpoint's signing secret, to check it is the deployment's").env(
        SECRET_ENV,
      ),
    )
    .addOption(
      new Option("--clerk-secret-key <sk_…>", "Clerk's secret key, to check it and that webhooks are enabled").env(
        CLERK_SECRET_KEY_ENV,
      ),
    )
    .addOption(new Option("--clerk-api-url <url>", "another Clerk Backend API URL").env(CLERK_API_URL_ENV))
    .addOption(new Option("--issuer <url>", "Clerk's Frontend API URL, as auth.config.ts uses it").env(ISSUER_ENV))
    .addHelpText("after", DOCTOR_HELP_AFTER)
    .action(async (options: DoctorOptions, command: Command) => {
      exitCode = await doctor(options, command.getOptionValueSource("secret") === "env", io);
    });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    // Commander has already printed its message (or the help) through `io`.
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  return exitCode;
}

function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, isTTY: process.stdout.isTTY === true };
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 1)
    throw new InvalidArgumentError("expected a whole number of at least 1.");
  return count;
}

async function send(event: EventType | undefined, options: SendOptions, secretFromEnv: boolean, io: Io) {
  // Everything is checked before the first request, so a mistake sends nothing.
  const url = parseUrl(options.url);
  const secret = checkSecret(options.secret, secretFromEnv);
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
      const { body, headers } = signDelivery(payload, secret);
      const answer = await post(url, body, headers);
      if (answer.status >= 200 && answer.status < 300) ok++;
      print(formatAnswer(answer, label));
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

/** A function giving the next delivery to send, after checking the options fit together. */
async function deliveries(event: EventType | undefined, options: SendOptions): Promise<() => Delivery> {
  if (options.file !== undefined) {
    if (event) throw new CliError("give an event type or --file, not both");
    const path = options.file;
    const text = await readFile(path, "utf8").catch((error: Error) => {
      throw new CliError(`cannot read --file: ${error.message}`);
    });
    const label = labelOf(text) ?? path;
    return () => ({ payload: text, label });
  }
  if (!event) throw new CliError(`say which event to send: ${EVENTS.join(", ")} (or --file <path>)`);
  if (options.id !== undefined && options.count > 1) {
    throw new CliError("--id names one user: leave it out to send --count distinct users");
  }

  const fields: UserOverrides = {};
  if (options.email !== undefined) fields.email = options.email;
  if (options.firstName !== undefined) fields.first_name = options.firstName;
  if (options.lastName !== undefined) fields.last_name = options.lastName;
  if (options.username !== undefined) fields.username = options.username;

  if (event === "user.deleted") {
    if (Object.keys(fields).length > 0) {
      throw new CliError(
        "user.deleted carries only the user id: --email, --first-name, --last-name and --username do not apply",
      );
    }
    return () => {
      const id = options.id ?? newUserId();
      return { payload: userDeleted(id), label: `${event} ${id}` };
    };
  }
  return () => {
    const id = options.id ?? newUserId();
    const payload =
      event === "user.created"
        ? userCreated({ ...fields, id })
        : userUpdated({ ...fields, id, updated_at: Date.now() });
    return { payload, label: `${event} ${id}` };
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

type Answer = PostAnswer;

async function post(url: URL, body: string, headers: Record<string, string>): Promise<Answer> {
  try {
    return await postJson(url, body, headers);
  } catch (error) {
    throw new CliError(unreachable(url, error));
  }
}

/** `200 inserted     34 ms  user.created user_…`, with the endpoint's error or reason after it. */
function formatAnswer({ status, text, ms }: Answer, label: string): string {
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown> | null;
  } catch {
    // not JSON: shown as text below
  }
  const str = (value: unknown) => (typeof value === "string" ? value : undefined);
  const outcome = str(json?.["outcome"]) ?? (status >= 200 && status < 300 ? "ok" : "error");
  const note = json ? (str(json["error"]) ?? str(json["reason"])) : oneLine(text);
  return `${status} ${outcome.padEnd(10)} ${String(ms).padStart(4)} ms  ${label}${note ? `  (${note})` : ""}`;
}

/** cli-progress draws only on a stream that says it is a terminal; `io.isTTY` decides that here. */
function terminalStream(io: Io): NodeJS.WritableStream {
  const stream = { isTTY: true, columns: io.stdout.columns, write: (text: string) => io.stdout.write(text) };
  return stream as unknown as NodeJS.WritableStream;
}
