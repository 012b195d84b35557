/**
 * How deadlines become fuel. One unit is burnt per function entry and per loop iteration. The rate
 * was measured on a QuickJS guest spinning in `for (;;) n++` (bench/sandbox.ts, docs/sandbox.md):
 * about FUEL_PER_MS units per millisecond once V8 has tiered the module up. Slower code burns fewer
 * units per millisecond, so a deadline is a budget of work, not of wall time: see docs/sandbox.md
 * for how far wall time can stray from `deadline_ms`.
 */
export const FUEL_PER_MS = 100_000;

/** The fuel global is an i32; budgets stay below 2^31. */
const MAX_FUEL = 0x7fff_ffff;

export function fuelForMs(ms: number): number {
  return Math.min(MAX_FUEL, Math.max(1, Math.round(ms * FUEL_PER_MS)));
}
