/**
 * How deadlines become fuel. One unit is burnt per function entry and per loop iteration. A QuickJS
 * guest running JavaScript burns 170–280 thousand units per millisecond of CPU once V8 has tiered its
 * code up (measured with test/plugins/spin-request-filter, docs/sandbox.md), so a deadline is
 * a budget of work calibrated on warm interpreter code, not a wall-clock timer: cold code, a busy CPU
 * or heavier work per unit stretch it, tight native loops shorten it (docs/sandbox.md, "Precision").
 */
export const FUEL_PER_MS = 200_000;

/** The fuel global is an i32, so the longest deadline is 2^31 / FUEL_PER_MS ≈ 10.7 s. */
const MAX_FUEL = 0x7fff_ffff;

export function fuelForMs(ms: number): number {
  return Math.min(MAX_FUEL, Math.max(1, Math.round(ms * FUEL_PER_MS)));
}
