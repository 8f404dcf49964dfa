// Shared by every test file (vitest `setupFiles`): what each test logs is captured instead of
// printed (`logs` in ./setup.ts), and mocks, fake timers and the host modules' failure switches
// never leak into the next test (test files share modules: `isolate: false`).
import { afterEach, beforeEach, vi } from "vitest";
import { failing as billingHooksFailing } from "./billingHooks";
import { captureLogs } from "./logs";
import { failing as recordingHooksFailing } from "./recordingHooks";

beforeEach(() => {
  captureLogs();
  billingHooksFailing.enabled = false;
  recordingHooksFailing.enabled = false;
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});
