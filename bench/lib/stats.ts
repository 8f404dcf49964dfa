export function median(values: number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Operations per second of `op`, run back to back for about `ms` milliseconds. */
export async function opsPerSecond(op: () => unknown, ms: number): Promise<number> {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  // Check the clock every 32 operations: reading it costs about as much as a small op.
  while (elapsed < ms) {
    for (let i = 0; i < 32; i++) await op();
    count += 32;
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}

/** Run `fn` and return how long it took, in milliseconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
