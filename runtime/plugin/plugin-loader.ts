import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import type { PluginSpec as PluginConfig } from "../config/schema.js";
import type { StartupSplit } from "../observe/startup-split.js";
import { parseAllowedHost } from "../outbound/allowed-hosts.js";
import type { WebSocketHub } from "../websocket/websocket-hub.js";
import { loadComponent, type CompiledComponent } from "./component-loader.js";
import { PluginHost } from "./plugin-host.js";
import { DEFAULT_PLUGIN_LIMITS } from "./plugin-limits.js";
import type { PluginServices } from "./plugin-services.js";

/** Told which plugin (its index in the specs) failed and why, instead of stopping at the first failure. */
export type PluginFailed = (index: number, error: unknown) => void;

/**
 * Loads and starts every configured plugin; any failure stops startup with the plugin named. The
 * components load concurrently (reading, compiling and importing overlap; identical modules are
 * compiled once), then the plugins start one by one in the config's order. On a failure the plugins
 * already started are stopped, so a rejected reload leaves no timers behind. With `failed`, every
 * plugin is tried and each failure is handed over; the map holds those that started.
 */
export async function loadPlugins(
  specs: readonly PluginConfig[],
  hub: WebSocketHub,
  logger: Logger,
  services: PluginServices,
  failed?: PluginFailed,
  split?: StartupSplit,
): Promise<Map<string, PluginHost>> {
  const components = await Promise.allSettled(specs.map((spec) => loadComponent(spec.file, { memoryMb: spec.limits.memory_mb })));
  const plugins = new Map<string, PluginHost>();
  try {
    for (const [index, spec] of specs.entries()) {
      try {
        const component = components[index]!;
        if (component.status === "rejected") throw component.reason;
        plugins.set(spec.name, await startPlugin(spec, component.value, hub, logger, services, split));
      } catch (err) {
        if (failed === undefined) throw err;
        failed(index, err);
      }
    }
  } catch (err) {
    for (const host of plugins.values()) host.stop();
    throw err;
  }
  return plugins;
}

async function startPlugin(
  spec: PluginConfig,
  component: CompiledComponent,
  hub: WebSocketHub,
  logger: Logger,
  services: PluginServices,
  split?: StartupSplit,
): Promise<PluginHost> {
  const started = performance.now();
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
        pendingTimeoutMs: spec.limits.pending_timeout_ms,
        maxPendingOps: spec.limits.max_pending_ops,
        outboundTimeoutMs: spec.limits.outbound_timeout_ms,
        maxOutboundResponseBytes: spec.limits.max_outbound_response_bytes,
      },
      isolation: spec.isolation,
      roomNamespace: spec.room_namespace,
      storeNamespace: spec.store.namespace,
      storeLimits: { maxKeys: spec.store.max_keys, maxKeyBytes: spec.store.max_key_bytes, maxValueBytes: spec.store.max_value_bytes },
      // Checked by the config schema already.
      allowedOutboundHosts: spec.allowed_outbound_hosts.map((text) => parseAllowedHost(text)!),
    },
    component,
    hub,
    logger,
    undefined,
    services,
  );
  await host.start();
  const init = performance.now() - started;
  split?.plugin(spec.name, { ...component.split, init });
  const ms = Math.round(component.split.prepared + component.split.compile + component.split.glue + init);
  logger.info({ plugin: spec.name, file: spec.file, isolation: spec.isolation, bytes: component.bytes, ms, entries: host.entryNames() }, "plugin loaded");
  return host;
}
