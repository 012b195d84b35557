import { NylonError } from "../errors.js";
import type { PhaseResult } from "./guest-exports.js";
import type { PluginClock } from "./plugin-clock.js";

interface Waiting {
  resolve(result: PhaseResult): void;
  reject(error: NylonError): void;
  timer: unknown;
}

/**
 * Phases a plugin left pending (it returned `pending` and waits for a store answer or an outbound
 * call): at most one per request, decided later by `resume-phase` from any callback of the plugin,
 * or failed when it waits longer than its timeout (504) or the plugin fails (500).
 */
export class PendingPhases {
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    private readonly plugin: string,
    private readonly clock: PluginClock,
  ) {}

  /** The phase's decision, when the plugin gives it; rejects with a 504 after `timeoutMs`. */
  wait(req: number, what: string, timeoutMs: number): Promise<PhaseResult> {
    return new Promise<PhaseResult>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.waiting.delete(req);
        reject(new NylonError("NYLON_E_PENDING_TIMEOUT", `plugin ${this.plugin} left ${what} pending for over ${timeoutMs} ms (limits.pending_timeout_ms)`));
      }, timeoutMs);
      this.waiting.set(req, { resolve, reject, timer });
    });
  }

  has(req: number): boolean {
    return this.waiting.has(req);
  }

  /** Decides the request's pending phase; false when it has none (never pending, decided, or timed out). */
  resume(req: number, result: PhaseResult): boolean {
    const w = this.take(req);
    w?.resolve(result);
    return w !== undefined;
  }

  /** Every pending phase fails with `error` (the plugin failed or was stopped). */
  failAll(error: NylonError): void {
    for (const req of [...this.waiting.keys()]) this.take(req)!.reject(error);
  }

  private take(req: number): Waiting | undefined {
    const w = this.waiting.get(req);
    if (!w) return undefined;
    this.waiting.delete(req);
    this.clock.clearTimeout(w.timer);
    return w;
  }
}
