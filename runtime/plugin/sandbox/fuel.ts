/**
 * How deadlines are kept (docs/sandbox.md, "Deadlines"). Guest code counts its own work in fuel
 * units (one per function entry and loop iteration, fuel-injector.ts) and asks the host for more
 * every REFILL_SLICE units; the host then reads the clock and refills, or, once the call's deadline
 * has passed, refuses and the guest traps. Guests burn units at very different rates (a Rust loop
 * about 1,000,000 per ms, QuickJS about 200,000, cold QuickJS 10,000), so the units only say how
 * often the clock is read: every 10–1000 µs of guest work, whatever the guest language.
 */
export const REFILL_SLICE = 10_000;

/**
 * Fuel a module starts with, for its start function: it runs while the module is instantiated, before
 * the host can give it a refill function, so it is bounded by work alone (about a second of QuickJS).
 */
export const STARTUP_FUEL = 200_000_000;
