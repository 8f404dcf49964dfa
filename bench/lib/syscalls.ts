/** The functions through which the Convex runtime reaches the backend (here convex-test). */
export type Syscalls = {
  syscall(op: string, args: string): string;
  asyncSyscall(op: string, args: string): Promise<string>;
  jsSyscall(op: string, args: unknown): unknown;
};

/** How a layer handles a syscall; `below` is the layer under it. */
export type SyscallLayer = {
  syscall?(below: Syscalls, op: string, args: string): string;
  asyncSyscall?(below: Syscalls, op: string, args: string): Promise<string>;
};

const installed = new Set<string>();

/**
 * Put a layer between the Convex runtime and convex-test, once per process (convex-test
 * installs `globalThis.Convex` on the first `convexTest()`: call this after it). While
 * `active()` is false the runtime gets the functions below untouched. Every other property
 * reads through, so a layer installed later (the rules layer's) still sees that it is there.
 */
export function interposeSyscalls(name: string, active: () => boolean, layer: SyscallLayer) {
  const holder = globalThis as { Convex?: Syscalls };
  const below = holder.Convex;
  if (!below) throw new Error(`${name}: install it after the first convexTest()`);
  if (installed.has(name)) return;
  installed.add(name);
  holder.Convex = new Proxy(below, {
    get(target, property, receiver) {
      const handle = property === "syscall" || property === "asyncSyscall" ? layer[property] : undefined;
      if (!handle || !active()) return Reflect.get(target, property, receiver);
      return (op: string, args: string) => handle(target, op, args);
    },
  });
}
