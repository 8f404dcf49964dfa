/** One numbered part of the report: printed lines, and the same figures for results.json. */
export type Section = {
  title: string;
  /** Key in results.json. */
  key: string;
  /**
   * Whether its figures include some that do not depend on the machine (counts, bytes, simulated
   * time): those `--deterministic` recomputes and `--check` compares with results.json.
   */
  deterministic: boolean;
  /**
   * Keys (at any depth of its figures) that hold timings: they depend on the machine and its load,
   * so they are never compared, and `--deterministic --update` keeps the committed ones.
   */
  timings: readonly string[];
  /** `deterministic`: only the figures that do not depend on time are needed (timed work may be skipped). */
  run(options: { deterministic: boolean }): Promise<{ lines: string[]; json: unknown }>;
};
