import type { PhaseHandler } from "./phase.js";

type Initializer = (config: unknown) => void;

/** What a plugin registered; read by the exports the host calls. */
export const registry = {
  entries: new Map<string, (phase: PhaseHandler) => void>(),
  initializers: [] as Initializer[],
};

/**
 * The plugin. Create one, register entries by the names used in the proxy's config
 * (`entry:` of a middleware or plugin service), exactly like Nylon's Go SDK:
 *
 * ```ts
 * const plugin = new NylonPlugin();
 * plugin.addPhaseHandler("echo", (phase) => {
 *   phase.requestFilter((ctx) => { ... });
 * });
 * ```
 */
export class NylonPlugin {
  /** Runs once when the plugin is loaded, with its `config` from the proxy's YAML. */
  initialize<T = Record<string, unknown>>(fn: (config: T) => void): void {
    registry.initializers.push(fn as Initializer);
  }
  /** `fn` runs once per request that reaches this entry and registers that request's phase handlers. */
  addPhaseHandler(entry: string, fn: (phase: PhaseHandler) => void): void {
    if (registry.entries.has(entry)) throw new Error(`entry "${entry}" is registered twice`);
    registry.entries.set(entry, fn);
  }
}
