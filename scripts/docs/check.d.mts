// Types of check.mjs, for the test of the docs checks.
export type KnownNames = object;

/** Every problem of the markdown files under `root`, as `file:line: what`. */
export function checkDocs(
  root: string,
  options?: { write?: boolean; only?: string[]; known?: KnownNames },
): Promise<string[]>;

/** The names the docs may use, read from the package under `root` (built). */
export function knownNames(root: string): Promise<KnownNames>;
