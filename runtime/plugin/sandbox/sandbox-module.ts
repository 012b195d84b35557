import { injectFuel } from "./fuel-injector.js";
import { capMemory } from "./memory-cap.js";
import { readSections, SectionId, writeSections } from "./wasm-sections.js";

export interface SandboxOptions {
  memoryMb: number;
  /** Fuel the module starts with (its start function and anything before the host's first budget). */
  initialFuel: number;
}

/** Rewrites one core module: memory capped, work metered by fuel. */
export function sandboxModule(bytes: Uint8Array, options: SandboxOptions): Uint8Array {
  return capModuleMemory(meterModule(bytes, options.initialFuel), options.memoryMb);
}

/**
 * The expensive half of the rewrite (every instruction is walked): done once when a plugin is prepared
 * (runtime/plugin/sandbox/instrumentation.ts), not on every start.
 */
export function meterModule(bytes: Uint8Array, initialFuel: number): Uint8Array {
  const sections = readSections(bytes);
  injectFuel(sections, initialFuel);
  return writeSections(sections);
}

/** The cheap half (only the memory section changes): done at load, since the cap is each plugin's own. */
export function capModuleMemory(bytes: Uint8Array, memoryMb: number): Uint8Array {
  const sections = readSections(bytes);
  if (!sections.some((s) => s.id === SectionId.memory)) return bytes;
  capMemory(sections, memoryMb);
  return writeSections(sections);
}
