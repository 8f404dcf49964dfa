/** One numbered part of the report: printed lines, and the same figures for results.json. */
export type Section = {
  title: string;
  /** Key in results.json. */
  key: string;
  run(): Promise<{ lines: string[]; json: unknown }>;
};
