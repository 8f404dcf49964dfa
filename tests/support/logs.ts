import { vi } from "vitest";

/** What the current test logged: the console is captured for every test (vitestSetup.ts). */
export const logs: string[] = [];

/** Start capturing the console into `logs` (restored by `vi.restoreAllMocks` after each test). */
export function captureLogs(): string[] {
  logs.length = 0;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args) => void logs.push(args.map(String).join(" ")));
  }
  return logs;
}
