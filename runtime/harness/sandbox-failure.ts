import { NylonError } from "../errors.js";
import type { LogRecord } from "./log-recorder.js";

/**
 * Why a plugin call failed. The first six are the sandbox's verdicts on a discarded instance
 * (deadline: fuel ran out; memory: the memory cap; stack: stack overflow; trap: any other WebAssembly
 * trap; exit: the plugin exited, e.g. Go's os.Exit; error: anything else thrown through the guest). `threw`: a handler threw and the SDK caught it
 * (the instance lives on, the request fails). `unavailable`: the plugin keeps failing and the host is
 * holding off its restart.
 */
export type SandboxFailureReason = "deadline" | "memory" | "stack" | "trap" | "exit" | "error" | "threw" | "unavailable";

export interface SandboxFailure {
  reason: SandboxFailureReason;
  message: string;
  /** The guest call that failed, e.g. `entry "echo" request-filter` or `ws-on-message-text`. */
  call?: string;
}

/** The host logs this line when it discards a failed instance (runtime/plugin/plugin-host.ts). */
const DISCARDED = "plugin failed; instance discarded";
const SANDBOX_REASONS = new Set<SandboxFailureReason>(["deadline", "memory", "stack", "trap", "exit", "error"]);

/**
 * How the SDK reports a handler or callback that threw and that it caught (sdk-wit/ts/exports.ts):
 * an error line of the plugin's own, "<what> failed: <error and its stack>". The instance lives on,
 * so the host logs nothing else; a guest SDK in another language reports the same way.
 */
const CAUGHT_THROW = /^(entry "[^"]*" [a-z-]+|WebSocket callback|WebSocket onClose|timer callback) failed: /;

/** Failures these log lines record, in order: instances the host discarded, and handlers that threw. */
export function failuresIn(records: readonly LogRecord[]): SandboxFailure[] {
  return records.flatMap((r): SandboxFailure[] => {
    if (r.msg === DISCARDED) {
      const kind = r["kind"] as SandboxFailureReason;
      return [{ reason: SANDBOX_REASONS.has(kind) ? kind : "error", message: String(r["reason"] ?? r.msg), call: String(r["call"] ?? "") }];
    }
    const caught = r.plugin !== undefined && r.level === "error" ? CAUGHT_THROW.exec(r.msg) : null;
    return caught ? [{ reason: "threw", message: r.msg.slice(caught[0].length).trimEnd(), call: caught[1]! }] : [];
  });
}

/**
 * The failure a step reports among those it logged: the sandbox's verdict on a discarded instance
 * comes first (a plugin out of memory may also have thrown the error it got), then a caught throw.
 */
export function stepFailure(failures: readonly SandboxFailure[]): SandboxFailure | null {
  return failures.find((f) => f.reason !== "threw") ?? failures[0] ?? null;
}

/**
 * What a phase that threw means: the instance's failure when the host discarded it, otherwise a
 * handler that threw (caught by the SDK) or a plugin held off after repeated failures.
 */
export function phaseFailure(thrown: unknown, logged: readonly SandboxFailure[]): SandboxFailure {
  const failure = stepFailure(logged);
  if (failure) return failure;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  if (thrown instanceof NylonError && thrown.code === "NYLON_E_PLUGIN_UNAVAILABLE") return { reason: "unavailable", message };
  if (thrown instanceof NylonError && thrown.code === "NYLON_E_PLUGIN_FAILED") return { reason: "threw", message };
  return { reason: "error", message };
}
