import { Command, CommanderError } from "commander";
import { MAX_LOG_LINE_CHARS } from "../client/scrub.js";
import { CliError, printable, type Io } from "./common.js";
import { doctorCommand } from "./doctor.js";
import { sendCommand } from "./send.js";

export type { Io } from "./common.js";

/** The `convex-clerk-sync` command line; resolves to the exit code instead of exiting. */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const done = (code: number) => {
    exitCode = code;
  };
  const program = new Command("convex-clerk-sync")
    .description("Send signed Clerk webhook deliveries to a convex-clerk-sync endpoint, or check its set-up.")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  for (const command of [sendCommand(io, done), doctorCommand(io, done)]) {
    // Subcommands inherit neither the exit override nor the output: set both on each.
    program.addCommand(command.exitOverride().configureOutput(program.configureOutput()));
  }

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    // Commander has already printed its message (or the help) through `io`.
    if (error instanceof CommanderError) return error.exitCode;
    // Anything else is one line too: a stack trace could quote a secret or what an answer chose.
    const message = error instanceof CliError ? error.message : `unexpected: ${String(error)}`;
    io.stderr.write(`error: ${printable(message, { max: MAX_LOG_LINE_CHARS })}\n`);
    return 1;
  }
  return exitCode;
}

function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, isTTY: process.stdout.isTTY === true };
}
