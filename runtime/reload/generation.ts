import type { NylonConfig } from "../config/schema.js";
import type { ProxyState } from "../http/proxy-state.js";
import type { TlsCertificates } from "../http/tls-certificates.js";

/** Something pinned to a generation that the drain limit may have to cut: a request's or tunnel's socket. */
export interface Pinned {
  destroy(): void;
}

/**
 * Everything one configuration file gives (config, certificates, routes, services, plugin instances),
 * and the requests still using it. A request pins the generation it arrived under, from its first byte
 * to its last, so a reload never pulls its plugins or upstream pool from under it.
 */
export class Generation {
  private readonly pinned = new Set<Pinned>();
  /** Called when the last pin is released (the retirement bookkeeping listens). */
  onUnpinned: (() => void) | null = null;

  constructor(
    readonly config: NylonConfig,
    readonly certificates: TlsCertificates | null,
    readonly state: ProxyState,
  ) {}

  /** Holds the generation for `what` until the returned function is called (once is enough; more are harmless). */
  pin(what: Pinned): () => void {
    this.pinned.add(what);
    return () => {
      if (this.pinned.delete(what) && this.pinned.size === 0) this.onUnpinned?.();
    };
  }

  get pinCount(): number {
    return this.pinned.size;
  }

  /** The drain limit: whatever still holds the generation is cut. */
  destroyPinned(): void {
    for (const what of [...this.pinned]) what.destroy();
  }
}
