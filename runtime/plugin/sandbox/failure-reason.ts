import type { PluginLimits } from "../plugin-limits.js";
import type { InstanceMeter } from "./instance-meter.js";

export type FailureKind = "deadline" | "memory" | "stack" | "trap" | "exit" | "error";

export interface Failure {
  kind: FailureKind;
  /** One line for the operator: what happened and which limit, if any, was hit. */
  reason: string;
}

/** Thrown by the host's `exit` function (a Go plugin's os.Exit): ends the call, and the instance with it. */
export class GuestExit extends Error {
  override name = "GuestExit";
  constructor(readonly code: number) {
    super(`the plugin exited with code ${code}`);
  }
}

/**
 * An instance whose linear memory ends a callback above this share of `memory_mb` is treated as out of
 * memory: its allocator is failing or about to, and wasm memory never shrinks, so only a new instance
 * gets the memory back.
 */
const MEMORY_CAP_SHARE = 7 / 8;

export function atMemoryCap(meter: InstanceMeter, limits: PluginLimits): boolean {
  return meter.memoryBytes() >= limits.memoryMb * 1024 * 1024 * MEMORY_CAP_SHARE;
}

export function memoryCapFailure(meter: InstanceMeter, limits: PluginLimits): Failure {
  const mib = (meter.memoryBytes() / 2 ** 20).toFixed(1);
  return { kind: "memory", reason: `memory cap reached: linear memory at ${mib} MiB of limits.memory_mb = ${limits.memoryMb}` };
}

/** Why a guest call threw: its deadline passed, memory hit its cap, the stack overflowed, or another trap. */
export function classifyFailure(thrown: unknown, meter: InstanceMeter, limits: PluginLimits): Failure {
  // A heap at its cap comes first: it explains a call that then also ran out of time (a collector
  // thrashing near the cap, Go's runtime printing its out-of-memory report line by line).
  if (atMemoryCap(meter, limits)) return memoryCapFailure(meter, limits);
  if (meter.exhausted()) {
    return { kind: "deadline", reason: `deadline exceeded: the callback ran past limits.deadline_ms = ${limits.deadlineMs}` };
  }
  if (thrown instanceof GuestExit) return { kind: "exit", reason: `exit: ${thrown.message} (os.Exit)` };
  if (thrown instanceof RangeError && /call stack/i.test(thrown.message)) {
    return { kind: "stack", reason: `stack overflow: ${thrown.message}` };
  }
  if (thrown instanceof WebAssembly.RuntimeError) return { kind: "trap", reason: `trap: ${thrown.message}` };
  return { kind: "error", reason: thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown) };
}
