// `nylon validate [config]`: every check `nylon run` makes before it opens a port, without opening one:
// the configuration files, then what they name (static roots, certificates, plugin files, each plugin's
// init with its config, the entries the configuration uses). It does not connect to Redis or bind ports.
import { checkWithoutServing } from "../runtime/check-config.js";
import { ConfigError } from "../runtime/config/config-error.js";
import { loadConfig } from "../runtime/config/load.js";

/** Prints the outcome to stderr; resolves to the process exit code (0 valid, 1 invalid). */
export async function validateCommand(configPath: string): Promise<number> {
  try {
    const loaded = await loadConfig(configPath);
    const pluginCount = await checkWithoutServing(loaded);
    const loadedPlugins = pluginCount === 0 ? "" : ` (${pluginCount} plugin${pluginCount === 1 ? "" : "s"} loaded and initialised)`;
    process.stderr.write(`configuration OK: ${loaded.files.join(", ")}${loadedPlugins}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}
