/** What a PluginHost reports about its guest calls; the proxy's metrics implement it. */
export interface PluginObserver {
  /** One callback into the guest took this long (seconds), whether it returned or failed. */
  callTook(plugin: string, seconds: number): void;
  /** The instance was discarded: `kind` says why (trap, deadline, memory, stack, error). */
  failed(plugin: string, kind: string): void;
  /** A new instance replaced a discarded one. */
  restarted(plugin: string): void;
  /** A send (or broadcast, or stream write) was refused because the callback went over `limit`. */
  sendRefused(plugin: string, limit: string): void;
}

export const NO_PLUGIN_OBSERVER: PluginObserver = { callTook() {}, failed() {}, restarted() {}, sendRefused() {} };
