// The plugins a configuration names, loaded as `run` loads them: each file read and checked (what it is,
// its contract version), each instance built and its init run with its `config`; then every entry the
// configuration names is looked up in what the plugin registered, with a did-you-mean. Each failure is
// reported at the key that caused it.
import type { Logger } from "pino";
import { NylonError } from "../errors.js";
import type { StartupSplit } from "../observe/startup-split.js";
import type { PluginHost } from "../plugin/plugin-host.js";
import { loadPlugins } from "../plugin/plugin-loader.js";
import type { PluginServices } from "../plugin/plugin-services.js";
import type { WebSocketHub } from "../websocket/websocket-hub.js";
import type { ConfigIssue } from "./config-error.js";
import type { KeyPath } from "./key-path.js";
import type { LoadedConfig } from "./load.js";
import type { Located } from "./merge.js";
import { BUILT_IN_PLUGINS, type MiddlewareItem } from "./schema.js";
import { didYouMean } from "./suggest.js";
import { issueAt, type YamlSource } from "./yaml-source.js";

/**
 * The rule for entry names (docs/plugins.md). The TypeScript SDK applies it when the plugin is built; the host
 * applies it to every guest, since a guest need not use an SDK that does.
 */
const ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENTRY_NAME_RULE = 'an entry name is a letter or digit, then letters, digits, ".", "_" or "-", at most 64 characters';

/** Which key a load failure is about: the file for what is wrong with it, `config` for init, the memory limit. */
function failureKey(error: unknown): KeyPath {
  const message = error instanceof Error ? error.message : "";
  if (error instanceof NylonError && error.code === "NYLON_E_PLUGIN_FAILED") return ["config"];
  if (/over limits\.memory_mb/.test(message)) return ["limits", "memory_mb"];
  return ["file"];
}

interface EntryUse {
  plugin: string;
  entry: string;
  source: YamlSource;
  path: KeyPath;
}

/** Every (plugin, entry) the configuration names, with the place of its `entry` key. */
function entryUses(loaded: LoadedConfig): EntryUse[] {
  const uses: EntryUse[] = [];
  const fromItems = (owner: Located<unknown>, path: KeyPath, items: readonly MiddlewareItem[] | undefined) =>
    items?.forEach((item, index) => {
      if ("plugin" in item && item.entry !== undefined) uses.push({ plugin: item.plugin, entry: item.entry, source: owner.source, path: [...path, index, "entry"] });
    });
  const { proxy } = loaded.located;
  for (const route of proxy.routes) {
    fromItems(route, [...route.path, "middleware"], route.value.middleware);
    route.value.paths.forEach((entry, index) => fromItems(route, [...route.path, "paths", index, "middleware"], entry.middleware));
  }
  for (const group of proxy.middlewareGroups.values()) fromItems(group, group.path, group.value);
  for (const service of proxy.services) {
    const value = service.value;
    if (value.service_type === "plugin") uses.push({ plugin: value.plugin.name, entry: value.plugin.entry, source: service.source, path: [...service.path, "plugin", "entry"] });
  }
  return uses;
}

function missingEntry(host: PluginHost, entry: string): string {
  const registered = host.entryNames();
  const listed = registered.length === 0 ? "none" : registered.join(", ");
  return `plugin ${host.name} has no entry "${entry}"${didYouMean(entry, registered)} (it registers: ${listed})`;
}

/** Loads every plugin; the map holds those that started, which the caller stops when it does not keep them. */
export async function checkPlugins(
  loaded: LoadedConfig,
  hub: WebSocketHub,
  logger: Logger,
  services: PluginServices,
  split?: StartupSplit,
): Promise<{ plugins: Map<string, PluginHost>; issues: ConfigIssue[] }> {
  const issues: ConfigIssue[] = [];
  const located = loaded.located.proxy.plugins;
  const plugins = await loadPlugins(loaded.config.plugins, hub, logger, services, (index, error) => {
    const spec = located[index]!;
    const message = error instanceof NylonError ? error.message : `plugin ${spec.value.name} cannot be loaded: ${(error as Error).message}`;
    issues.push(issueAt(spec.source, [...spec.path, ...failureKey(error)], message));
  }, split);
  for (const spec of located) {
    const host = plugins.get(spec.value.name);
    const invalid = host?.entryNames().filter((entry) => !ENTRY_NAME.test(entry)) ?? [];
    if (invalid.length > 0) {
      issues.push(
        issueAt(spec.source, [...spec.path, "file"], `plugin ${host!.name} registers entries no configuration can name (${invalid.map((entry) => JSON.stringify(entry)).join(", ")}): ${ENTRY_NAME_RULE}`),
      );
    }
  }
  for (const use of entryUses(loaded)) {
    if ((BUILT_IN_PLUGINS as readonly string[]).includes(use.plugin)) continue;
    const host = plugins.get(use.plugin);
    if (host !== undefined && !host.hasEntry(use.entry)) issues.push(issueAt(use.source, use.path, missingEntry(host, use.entry)));
  }
  return { plugins, issues };
}
