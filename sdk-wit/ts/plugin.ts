import type { PhaseHandler } from "./phase.js";

type Initializer = (config: unknown) => void;

/** An entry's name, as a config's `entry:` names it: a letter or digit, then letters, digits, ".", "_" or "-" (at most 64). */
const ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

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
  /**
   * `fn` runs once per request that reaches this entry and registers that request's phase handlers.
   * `entry` is the name a config's `entry:` uses: a letter or digit, then letters, digits, ".", "_"
   * or "-", at most 64 characters. A bad name or one registered twice stops the build.
   */
  addPhaseHandler(entry: string, fn: (phase: PhaseHandler) => void): void {
    if (typeof entry !== "string" || !ENTRY_NAME.test(entry)) {
      throw new Error(`entry name ${JSON.stringify(entry)} is not valid: use a letter or digit, then letters, digits, ".", "_" or "-" (at most 64 characters)`);
    }
    if (registry.entries.has(entry)) throw new Error(`entry "${entry}" is registered twice`);
    registry.entries.set(entry, fn);
  }
}
