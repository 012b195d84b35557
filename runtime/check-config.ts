// The one validation `nylon validate`, `nylon run` and a reload share. loadConfig checks the configuration's
// own files; checkConfig then checks everything they name outside themselves, as starting would meet it:
// that something listens, static roots, certificate files, and the plugins — each file read and checked,
// each instance initialised with its config, each entry the configuration names looked up. Every problem
// is reported at once, at its file:line:column and key; `run` starts only from a configuration that passed.
import { pino, type Logger } from "pino";
import { checkSomethingListens } from "./config/check-listeners.js";
import { checkPlugins } from "./config/check-plugins.js";
import { checkStaticRoots } from "./config/check-static-roots.js";
import { checkTlsFiles } from "./config/check-tls-files.js";
import { ConfigError } from "./config/config-error.js";
import { sortIssues, type LoadedConfig } from "./config/load.js";
import { issueAt } from "./config/yaml-source.js";
import type { ListenError } from "./http/listeners.js";
import { TlsCertificates } from "./http/tls-certificates.js";
import type { StartupSplit } from "./observe/startup-split.js";
import type { PluginHost } from "./plugin/plugin-host.js";
import { standaloneServices, type PluginServices } from "./plugin/plugin-services.js";
import { WebSocketHub } from "./websocket/websocket-hub.js";

/** What starting needs beyond the configuration itself, built while it was checked. */
export interface CheckedConfig {
  certificates: TlsCertificates | null;
  /** Started and initialised; whoever does not keep them stops them. */
  plugins: Map<string, PluginHost>;
}

/** @throws ConfigError listing every problem; plugins started meanwhile are stopped first. */
export async function checkConfig(loaded: LoadedConfig, hub: WebSocketHub, logger: Logger, services: PluginServices, split?: StartupSplit): Promise<CheckedConfig> {
  const issues = [...checkSomethingListens(loaded.located.main, loaded.config), ...checkStaticRoots(loaded), ...checkTlsFiles(loaded)];
  const { plugins, issues: pluginIssues } = await checkPlugins(loaded, hub, logger, services, split);
  issues.push(...pluginIssues);
  if (issues.length > 0) {
    for (const plugin of plugins.values()) plugin.stop();
    throw new ConfigError(sortIssues(issues, loaded.files));
  }
  return { certificates: TlsCertificates.load(loaded.config.tls), plugins };
}

/** A listener that cannot be opened, reported at its place in the configuration like any other problem. */
export function listenIssue(loaded: LoadedConfig, err: ListenError): ConfigError {
  const index = loaded.config[err.kind].indexOf(err.address);
  return new ConfigError([issueAt(loaded.located.main, [err.kind, index], err.message.replace(/^cannot listen on \w+ /, "cannot listen on "))]);
}

/**
 * Every check of checkConfig without serving: the plugins are started only to run their init, on a hub
 * of their own and a store in memory of their own (an init must not touch the served store), with
 * their log lines dropped, and stopped again. Resolves to how many were loaded.
 */
export async function checkWithoutServing(loaded: LoadedConfig): Promise<number> {
  const hub = new WebSocketHub();
  try {
    const { plugins } = await checkConfig(loaded, hub, pino({ level: "silent" }), standaloneServices());
    for (const plugin of plugins.values()) plugin.stop();
    return plugins.size;
  } finally {
    hub.stop();
  }
}
