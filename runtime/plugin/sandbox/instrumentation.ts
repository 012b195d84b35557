import { STARTUP_FUEL } from "./fuel.js";
import { meterModule } from "./sandbox-module.js";

/**
 * What the sandbox's rewrite bakes into a core module (fuel-injector.ts). A plugin's modules are
 * rewritten once, when it is prepared (`nylon build`, or the first load into the user's cache), and the
 * result is reused only by a load that asks for the same instrumentation; any other is rewritten again
 * from the original modules. So a plugin (or a guest language) may be given its own parameters.
 */
export interface Instrumentation {
  /** Bump when fuel-injector.ts changes what it emits: modules prepared before are then rewritten again. */
  version: number;
  /** Fuel each module starts with: its start code runs before the host gives any call a budget. */
  initialFuel: number;
}

/** Must change whenever the rewrite's output changes (test/sandbox/wasm-rewriter.test.ts checks a known output). */
export const INSTRUMENTATION_VERSION = 2;

export const DEFAULT_INSTRUMENTATION: Instrumentation = { version: INSTRUMENTATION_VERSION, initialFuel: STARTUP_FUEL };

export function sameInstrumentation(a: Instrumentation, b: Instrumentation): boolean {
  return a.version === b.version && a.initialFuel === b.initialFuel;
}

/** A core module with fuel metering; the memory cap is applied at load (capModuleMemory). */
export function instrumentModule(bytes: Uint8Array, instrumentation: Instrumentation): Uint8Array {
  return meterModule(bytes, instrumentation.initialFuel);
}
