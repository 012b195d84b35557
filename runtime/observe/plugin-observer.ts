/** What a PluginHost reports about its guest calls; the proxy's metrics implement it. */
export interface PluginObserver {
  /** One callback into the guest took this long (seconds), whether it returned or failed. */
  callTook(plugin: string, seconds: number): void;
  /** The instance was discarded: `kind` says why (trap, deadline, memory, stack, error). */
  failed(plugin: string, kind: string): void;
  /** A new instance replaced a discarded one. */
  restarted(plugin: string): void;
}

export const NO_PLUGIN_OBSERVER: PluginObserver = { callTook() {}, failed() {}, restarted() {} };
