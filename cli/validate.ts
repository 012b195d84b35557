// `nylon validate [config]`: every check `nylon run` makes before it opens a port, without opening one:
// the configuration files, then what they name (static roots, certificates, plugin files, each plugin's
// init with its config, the entries the configuration uses). It does not connect to Redis or bind ports.
import { pino } from "pino";
import { checkConfig } from "../runtime/check-config.js";
import { ConfigError } from "../runtime/config/config-error.js";
import { loadConfig } from "../runtime/config/load.js";
import { WebSocketHub } from "../runtime/websocket/websocket-hub.js";

/** Prints the outcome to stderr; resolves to the process exit code (0 valid, 1 invalid). */
export async function validateCommand(configPath: string): Promise<number> {
  // Plugins are started and stopped here only to run their init: their log lines are not the point.
  const hub = new WebSocketHub();
  try {
    const loaded = await loadConfig(configPath);
    const { plugins } = await checkConfig(loaded, hub, pino({ level: "silent" }));
    for (const plugin of plugins.values()) plugin.stop();
    const loadedPlugins = plugins.size === 0 ? "" : ` (${plugins.size} plugin${plugins.size === 1 ? "" : "s"} loaded and initialised)`;
    process.stderr.write(`configuration OK: ${loaded.files.join(", ")}${loadedPlugins}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  } finally {
    hub.stop();
  }
}
