import { injectFuel } from "./fuel-injector.js";
import { capMemory } from "./memory-cap.js";
import { readSections, writeSections } from "./wasm-sections.js";

export interface SandboxOptions {
  memoryMb: number;
  /** Fuel the module starts with (its start function and anything before the host's first budget). */
  initialFuel: number;
}

/** Rewrites one core module: memory capped, work metered by fuel. */
export function sandboxModule(bytes: Uint8Array, options: SandboxOptions): Uint8Array {
  const sections = readSections(bytes);
  capMemory(sections, options.memoryMb);
  injectFuel(sections, options.initialFuel);
  return writeSections(sections);
}
