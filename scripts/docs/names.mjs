// The names the docs may give, read from the repository: the package's declarations in dist/
// (the TypeScript compiler API), its CLI (the commander program), the environment variables its
// source reads, the apps the docs show, Clerk's payloads (tests/fixtures), the libraries the
// docs' code uses, and the few names of other parties listed below. Used by claims.mjs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { SOURCE_DIRS } from "./host.mjs";
import { read } from "./markdown.mjs";

/** The libraries whose names the docs may use, as the docs' code imports them. */
const LIBRARIES = [
  "convex",
  "convex-test",
  "convex-helpers",
  "@clerk/backend",
  "@convex-dev/rate-limiter",
  "react",
  "vitest",
  "svix",
  "commander",
  "typescript/lib",
  "@types/node",
  "@types/react",
  "@clerk/shared",
];

/**
 * Names of other parties the docs state, which no declaration spells: each with where it is from.
 */
const OUTSIDE_NAMES = {
  "Clerk's session token claims (v2, and v1's org claims)": [
    ...["aud", "sub", "sid", "o", "slg", "rol", "per", "fpm", "pla", "fea", "sts", "v"],
    ...["org_id", "org_role", "org_permissions"],
  ],
  "Clerk's React SDK (@clerk/clerk-react), which the docs' app code does not import": [
    "useUser",
    "useOrganization",
    "reload",
  ],
  "Clerk's default role keys": ["basic_member"],
  "@convex-dev/workpool's options, which the component's notes compare with": ["initialBackoffMs"],
  "Convex's documented variables and flags": ["NODE_ENV", "CONVEX_DEPLOYMENT", "CONVEX_SITE_URL", "CONVEX_CLOUD_URL"],
  "Svix's headers and signature scheme": ["whsec_", "v1"],
  "HTTP's Authorization scheme that Clerk's Backend API takes": ["Bearer"],
  "npm's warning for a package whose engines exclude the running Node": ["EBADENGINE"],
  "TypeScript compiler options hosts set": [
    "strict",
    "noUncheckedIndexedAccess",
    "exactOptionalPropertyTypes",
    "noPropertyAccessFromIndexSignature",
    "verbatimModuleSyntax",
    "skipLibCheck",
    "isolatedModules",
  ],
  "Clerk's Backend API error codes and query parameters": [
    "clerk_key_invalid",
    "resource_not_found",
    "svix_app_missing",
    "created_at_after",
    "order_by",
  ],
  "example metadata keys (docs/api.md#metadata)": ["plan_tier", "_private", "a$b", "$ref", "café"],
  "Convex's CLI flags": ["--prod"],
  "HTTP and JSON words": ["GET", "POST", "PATCH", "PUT", "DELETE", "JSON", "HTTP", "HTTPS", "TLS", "URL", "API", "ID"],
};

/** Clerk's resource names: `<resource>.<event>` in inline code is an event type. */
export const EVENT_RESOURCE =
  /^(user|session|organization\w*|role|permission|waitlistEntry|email|sms|subscription\w*|paymentAttempt)$/;

/** Everything the checks compare against, built once per repository. */
export async function knownNames(root) {
  const declarations = packageDeclarations(root);
  const cli = await cliProgram(root);
  const hosts = new Set();
  // The apps the docs show, and the hand-written sync the migration guide starts from.
  const appDirs = [...SOURCE_DIRS, "tests/migration/before/convex"];
  for (const dir of appDirs) {
    for (const file of sourceFiles(path.join(root, dir))) {
      tokens(readFileSync(file, "utf8"), hosts);
      hosts.add(path.basename(file).replace(/\.\w+$/, ""));
    }
  }
  const fixtures = new Set();
  for (const file of sourceFiles(path.join(root, "tests/fixtures"), /\.json$/)) {
    collectKeys(JSON.parse(readFileSync(file, "utf8")), fixtures);
  }
  const libraries = new Set();
  for (const library of LIBRARIES) {
    for (const file of sourceFiles(path.join(root, "node_modules", library), /\.d\.ts$/)) {
      tokens(readFileSync(file, "utf8"), libraries);
      // A module's name (`@clerk/shared`'s `jwtPayloadParser`) is a name too.
      libraries.add(path.basename(file, ".d.ts"));
    }
  }
  const outside = new Set(Object.values(OUTSIDE_NAMES).flat());
  const internal = new Set();
  for (const dir of ["src", "tests", "bench", "scripts", "example"]) {
    for (const file of sourceFiles(path.join(root, dir), /\.(ts|tsx|mjs|js)$/))
      tokens(readFileSync(file, "utf8"), internal);
  }
  const env = environmentVariables(root);
  const events = new Set([...declarations.strings, ...cli.events, ...fixtures].filter(isEventType));
  return {
    declarations,
    cli,
    hosts,
    fixtures,
    libraries,
    outside,
    internal,
    env,
    events,
    scriptFlags: scriptFlags(root),
  };
}

/** The package's entry points, their exports and every name their declarations spell. */
function packageDeclarations(root) {
  const { exports } = JSON.parse(read(root, "package.json"));
  const entries = {};
  for (const [key, value] of Object.entries(exports)) {
    if (typeof value === "object" && value.types && !key.endsWith(".js")) {
      entries[`convex-clerk-sync${key.slice(1)}`] = path.join(root, value.types);
    }
  }
  const program = ts.createProgram(Object.values(entries), { noEmit: true, skipLibCheck: true, strict: true });
  const checker = program.getTypeChecker();
  const exported = {};
  for (const [entry, file] of Object.entries(entries)) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${path.relative(root, file)} is missing: run npm run build first`);
    const symbol = checker.getSymbolAtLocation(source);
    exported[entry] = new Set(symbol ? checker.getExportsOfModule(symbol).map((s) => s.getName()) : []);
  }
  const names = new Set();
  const strings = new Set();
  for (const file of sourceFiles(path.join(root, "dist"), /\.d\.ts$/))
    tokens(readFileSync(file, "utf8"), names, strings);
  const classes = {};
  for (const [name, entry] of [
    ["ClerkSync", "convex-clerk-sync"],
    ["ClerkBackfill", "convex-clerk-sync/backfill"],
  ]) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entries[entry]));
    const symbol = checker.getExportsOfModule(moduleSymbol).find((s) => s.getName() === name);
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    classes[name] = new Set(
      checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(target)).map((p) => p.getName()),
    );
  }
  return { exported, names, strings, classes };
}

/** The CLI's commands, flags and the event types `send` builds, from its commander program. */
async function cliProgram(root) {
  const load = (file) => import(pathToFileURL(path.join(root, "dist/cli", file)).href);
  const [{ sendCommand }, { doctorCommand }, { EVENT_TYPES }] = await Promise.all([
    load("send.js"),
    load("doctor.js"),
    load("events.js"),
  ]);
  const io = { stdout: process.stdout, stderr: process.stderr, isTTY: false };
  const commands = {};
  for (const command of [sendCommand(io, () => {}), doctorCommand(io, () => {})]) {
    commands[command.name()] = new Set([
      "--help",
      "-h",
      ...command.options.flatMap((o) => [o.long, o.short].filter(Boolean)),
    ]);
  }
  return {
    commands,
    flags: new Set(Object.values(commands).flatMap((flags) => [...flags])),
    events: new Set(EVENT_TYPES),
  };
}

/** The environment variables the package's source reads. */
function environmentVariables(root) {
  const env = new Set();
  for (const file of sourceFiles(path.join(root, "src"), /\.ts$/)) {
    const text = readFileSync(file, "utf8");
    for (const [, name] of text.matchAll(/\benv(?:\.|\[")([A-Z][A-Z0-9_]+)/g)) env.add(name);
    for (const [, name] of text.matchAll(/["']((?:CLERK|CONVEX)_[A-Z0-9_]+)["']/g)) env.add(name);
  }
  return env;
}

/** Flags the repository's own scripts read (`npm run demo -- --serve`, the bench's, the checks'). */
function scriptFlags(root) {
  const flags = new Set();
  for (const dir of ["scripts", "bench", "example"]) {
    for (const file of sourceFiles(path.join(root, dir), /\.(ts|mjs)$/)) {
      const text = readFileSync(file, "utf8");
      for (const [, flag] of text.matchAll(/["'](--[a-z][\w-]*)["']/g)) flags.add(flag);
      // node:util's parseArgs options: `serve: { type: "boolean" }`.
      for (const [, name] of text.matchAll(/(\w+): \{ type: "(?:boolean|string)"/g)) flags.add(`--${name}`);
    }
  }
  return flags;
}

function sourceFiles(dir, pattern = /\.(ts|tsx)$/) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .filter((entry) => !path.relative(dir, entry.parentPath).split(path.sep).includes("node_modules"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Adds the identifiers (and keywords) of TypeScript `text` to `names`, and its string literals
 * to `strings`, with each string's words as names too unless `words` is false.
 */
export function tokens(text, names, strings = names, { words = true, keywords = true } = {}) {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.JSX, text);
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const keyword = kind >= ts.SyntaxKind.FirstKeyword && kind <= ts.SyntaxKind.LastKeyword;
    if (kind === ts.SyntaxKind.Identifier || (keyword && keywords)) {
      names.add(scanner.getTokenText());
    } else if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral) {
      const value = scanner.getTokenValue();
      strings.add(value);
      // A template's text (`${…}` aside) and a string's words are names too (`"user.created"`).
      if (words) for (const word of value.match(/[A-Za-z_$][\w$]*/g) ?? []) names.add(word);
    }
  }
}

function collectKeys(value, into) {
  if (Array.isArray(value)) for (const item of value) collectKeys(item, into);
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      into.add(key);
      if (typeof item === "string" && key === "type") into.add(item);
      if (typeof item === "string" && /^[a-z]+(_[a-z]+)+$/.test(item)) into.add(item);
      collectKeys(item, into);
    }
  }
}

export function isEventType(value) {
  const [resource, action, more] = value.split(".");
  return more === undefined && action !== undefined && EVENT_RESOURCE.test(resource) && /^[a-zA-Z]+$/.test(action);
}
