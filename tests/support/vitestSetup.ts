// Shared by every test file (vitest `setupFiles`): what each test logs is captured instead of
// printed (`logs` in ./setup.ts), and mocks and fake timers never leak into the next test.
import { afterEach, beforeEach, vi } from "vitest";
import { captureLogs } from "./logs";

beforeEach(() => {
  captureLogs();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});
