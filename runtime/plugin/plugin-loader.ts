import type { Logger } from "pino";
import type { PluginSpec as PluginConfig } from "../config/schema.js";
import type { WebSocketHub } from "../websocket/websocket-hub.js";
import { loadComponent } from "./component-loader.js";
import { PluginHost } from "./plugin-host.js";
import { DEFAULT_PLUGIN_LIMITS } from "./plugin-limits.js";

/**
 * Loads and starts every configured plugin; any failure stops startup with the plugin named. On a
 * failure the plugins already started are stopped, so a rejected reload leaves no timers behind.
 */
export async function loadPlugins(specs: readonly PluginConfig[], hub: WebSocketHub, logger: Logger): Promise<Map<string, PluginHost>> {
  const plugins = new Map<string, PluginHost>();
  try {
    await startEach(specs, hub, logger, plugins);
  } catch (err) {
    for (const host of plugins.values()) host.stop();
    throw err;
  }
  return plugins;
}

async function startEach(specs: readonly PluginConfig[], hub: WebSocketHub, logger: Logger, plugins: Map<string, PluginHost>): Promise<void> {
  for (const spec of specs) {
    const started = Date.now();
    const component = await loadComponent(spec.file, { memoryMb: spec.limits.memory_mb });
    const host = new PluginHost(
      {
        name: spec.name,
        file: spec.file,
        config: spec.config,
        limits: {
          ...DEFAULT_PLUGIN_LIMITS,
          memoryMb: spec.limits.memory_mb,
          deadlineMs: spec.limits.deadline_ms,
          maxSendBytes: spec.limits.max_send_bytes,
        },
        isolation: spec.isolation,
        roomNamespace: spec.room_namespace,
      },
      component,
      hub,
      logger,
    );
    await host.start();
    logger.info({ plugin: spec.name, file: spec.file, isolation: spec.isolation, bytes: component.bytes, ms: Date.now() - started, entries: host.entryNames() }, "plugin loaded");
    plugins.set(spec.name, host);
  }
}
