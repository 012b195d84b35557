import { NylonError } from "../errors.js";
import type { LogRecord } from "./log-recorder.js";

/**
 * Why a plugin call failed. The first five are the sandbox's verdicts on a discarded instance
 * (deadline: fuel ran out; memory: the memory cap; stack: stack overflow; trap: any other WebAssembly
 * trap; error: anything else thrown through the guest). `threw`: a handler threw and the SDK caught it
 * (the instance lives on, the request fails). `unavailable`: the plugin keeps failing and the host is
 * holding off its restart.
 */
export type SandboxFailureReason = "deadline" | "memory" | "stack" | "trap" | "error" | "threw" | "unavailable";

export interface SandboxFailure {
  reason: SandboxFailureReason;
  message: string;
  /** The guest call that failed, e.g. `entry "echo" request-filter` or `ws-on-message-text`. */
  call?: string;
}

/** The host logs this line when it discards a failed instance (runtime/plugin/plugin-host.ts). */
const DISCARDED = "plugin failed; instance discarded";
const SANDBOX_REASONS = new Set<SandboxFailureReason>(["deadline", "memory", "stack", "trap", "error"]);

/** Failures the host recorded in these log lines, in order. */
export function failuresIn(records: readonly LogRecord[]): SandboxFailure[] {
  return records
    .filter((r) => r.msg === DISCARDED)
    .map((r) => {
      const kind = r["kind"] as SandboxFailureReason;
      return {
        reason: SANDBOX_REASONS.has(kind) ? kind : "error",
        message: String(r["reason"] ?? r.msg),
        call: String(r["call"] ?? ""),
      };
    });
}

/**
 * What a phase that threw means: the instance's failure when the host discarded it, otherwise a
 * handler that threw (caught by the SDK) or a plugin held off after repeated failures.
 */
export function phaseFailure(thrown: unknown, discarded: readonly SandboxFailure[]): SandboxFailure {
  if (discarded.length > 0) return discarded[0]!;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  if (thrown instanceof NylonError && thrown.code === "NYLON_E_PLUGIN_UNAVAILABLE") return { reason: "unavailable", message };
  if (thrown instanceof NylonError && thrown.code === "NYLON_E_PLUGIN_FAILED") return { reason: "threw", message };
  return { reason: "error", message };
}
