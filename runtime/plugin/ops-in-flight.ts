import { hostError } from "./host-error.js";

/**
 * The store operations and outbound calls a plugin's instance has started and not yet been told
 * the result of. Ids are u32 handles, increasing across instances, so an answer that arrives after
 * its instance was discarded is recognised and dropped instead of reaching the next instance.
 */
export class OpsInFlight {
  /** Op id -> how to abandon it (abort an outbound request), if it can be. */
  private readonly ops = new Map<number, (() => void) | null>();
  private nextId = 1;

  constructor(private readonly maxInFlight: () => number) {}

  get size(): number {
    return this.ops.size;
  }

  /** A new op's id; a host error when the plugin has as many in flight as its limit. */
  begin(): number {
    const max = this.maxInFlight();
    if (this.ops.size >= max) throw hostError("NYLON_E_INVALID_ARGUMENT", `at most ${max} store operations and outbound calls may be in flight (limits.max_pending_ops)`);
    let id = this.nextId;
    while (this.ops.has(id)) id = next(id);
    this.nextId = next(id);
    this.ops.set(id, null);
    return id;
  }

  onAbandon(id: number, abandon: () => void): void {
    if (this.ops.has(id)) this.ops.set(id, abandon);
  }

  /** The op's result is being delivered: true if it still belongs to the current instance. */
  finish(id: number): boolean {
    return this.ops.delete(id);
  }

  /** The instance is gone: its ops' answers will be dropped, and outbound calls are aborted. */
  abandonAll(): void {
    const abandons = [...this.ops.values()];
    this.ops.clear();
    for (const abandon of abandons) abandon?.();
  }
}

function next(id: number): number {
  return id >= 0xfffffff0 ? 1 : id + 1;
}
