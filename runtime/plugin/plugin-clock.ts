/**
 * Where a plugin host reads the time and schedules the plugin's timers: the system clock in the
 * proxy, a clock the test advances in the sandbox harness (runtime/harness/manual-clock.ts).
 */
export interface PluginClock {
  now(): number;
  /** Nanoseconds that never go back (monotonic-ns); nonzero. */
  monotonicNs(): bigint;
  setTimeout(fn: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: PluginClock = {
  now: () => Date.now(),
  monotonicNs: () => process.hrtime.bigint(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
