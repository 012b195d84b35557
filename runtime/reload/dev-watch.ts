import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { buildPluginOffThread } from "../compile/build-off-thread.js";
import { pluginBuildsOf } from "../compile/config-plugins.js";
import { runPool } from "../compile/run-pool.js";
import { isPluginSource, sourceTree } from "./plugin-sources.js";
import { loadConfig } from "../config/load.js";
import type { NylonConfig, PluginSpec } from "../config/schema.js";

/** What --watch reloads: one proxy, or a node's primary (which reloads every worker). */
export interface Reloadable {
  readonly config: NylonConfig;
  reload(): Promise<boolean>;
}

/** Editors save in bursts (write, rename, chmod): one rebuild per burst. */
const SETTLE_MS = 300;
const CONFIG_FILE = /\.ya?ml$/;

/**
 * `nylon run --watch`, for development: a changed plugin source is rebuilt next to its .wasm, a
 * changed config file (or a YAML file of its `config_dir`) is re-read, and either way the proxy
 * reloads (a failed build or an invalid config is logged and changes nothing). fs.watch on the
 * folders, no polling.
 *
 * The plugin folders followed, and the .wasm each is built to, are those of the config file as it is
 * when a burst settles: a plugin the config drops is no longer built, one it adds is followed, and one
 * whose `file:` moves is built to the new path before the reload loads it.
 */
export class DevWatch {
  /** The folders watched: the config's, and every followed plugin folder (which may be the same). */
  private readonly watchers = new Map<string, fs.FSWatcher>();
  /** Each followed plugin folder, mapped to the .wasm the config loads from it. */
  private outputs = new Map<string, string>();
  /** Followed plugin folders with a source change not yet built. */
  private readonly dirty = new Set<string>();
  private readonly configDir: string;
  private readonly configName: string;
  /** The config's `config_dir`, whose YAML files are part of the config, when it has one. */
  private includedDir: string | undefined;
  private configChanged = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly proxy: Reloadable,
    private readonly configFile: string,
    private readonly logger: Logger,
  ) {
    this.configDir = path.dirname(path.resolve(configFile));
    this.configName = path.basename(configFile);
  }

  start(): void {
    this.watch(this.configDir);
    this.followIncludedDir(this.proxy.config.config_dir);
    this.follow(this.proxy.config.plugins);
    this.logger.info({ config: this.configFile, folders: [...this.watchers.keys()] }, "watching plugin sources and the config");
  }

  stop(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /**
   * Follows the source folders of `plugins` and only those: a folder no plugin names any more is
   * unwatched (unless it is the config's) and its pending change dropped. Returns the folders to
   * build now: those followed before that now build to another .wasm, and newly followed ones whose
   * .wasm does not exist yet (a plugin just added to the config, never built).
   */
  private follow(plugins: readonly PluginSpec[]): string[] {
    const previous = this.outputs;
    this.outputs = pluginBuildsOf(plugins);
    for (const folder of previous.keys()) {
      if (this.outputs.has(folder)) continue;
      this.dirty.delete(folder);
      this.unwatchUnlessNeeded(folder);
    }
    for (const folder of this.outputs.keys()) this.watch(folder);
    return [...this.outputs]
      .filter(([folder, output]) => (previous.has(folder) ? previous.get(folder) !== output : !fs.existsSync(output)))
      .map(([folder]) => folder);
  }

  /** Watches the config's `config_dir` (a YAML file added, edited or removed there changes the config). */
  private followIncludedDir(dir: string | undefined): void {
    const previous = this.includedDir;
    this.includedDir = dir;
    if (previous) this.unwatchUnlessNeeded(previous);
    if (dir && fs.existsSync(dir)) this.watch(dir);
  }

  /** A folder is watched while it is the config's, its config_dir or a followed plugin folder. */
  private unwatchUnlessNeeded(folder: string): void {
    if (folder !== this.configDir && folder !== this.includedDir && !this.outputs.has(folder)) this.unwatch(folder);
  }

  private watch(folder: string): void {
    if (this.watchers.has(folder)) return;
    // A Rust crate keeps its sources under src/, a Go module may have packages in subfolders: such a
    // folder is watched with its subfolders, but for the build's output (cargo's target/).
    const tree = sourceTree(folder);
    // What a change means is looked up when it comes: the folder's role may change with each reload.
    const watcher = fs.watch(folder, { recursive: tree.recursive }, (_event, name) => {
      const file = name?.toString();
      if (!file || tree.skip.has(file.split(path.sep)[0]!)) return;
      if (folder === this.configDir && file === this.configName) this.configChanged = true;
      else if (folder === this.includedDir && CONFIG_FILE.test(file)) this.configChanged = true;
      else if (this.outputs.has(folder) && isPluginSource(file)) this.dirty.add(folder);
      else return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => (this.running = this.running.then(() => this.rebuildAndReload())), SETTLE_MS);
    });
    watcher.on("error", (err) => {
      this.logger.warn({ folder, err: err.message }, "stopped watching a folder");
      this.unwatch(folder);
    });
    this.watchers.set(folder, watcher);
  }

  private unwatch(folder: string): void {
    this.watchers.get(folder)?.close();
    this.watchers.delete(folder);
  }

  /** The config as it is on disk now, or undefined when it does not load. */
  private async configOnDisk(): Promise<NylonConfig | undefined> {
    try {
      return (await loadConfig(this.configFile)).config;
    } catch {
      return undefined; // the reload reports why, and the folders followed stay as they are
    }
  }

  private async rebuildAndReload(): Promise<void> {
    let changed = this.configChanged;
    this.configChanged = false;
    if (this.dirty.size === 0 && !changed) return;
    // Read from disk, not the running config: when the config names a .wasm that does not exist yet,
    // the reload can only succeed once it is built.
    const config = await this.configOnDisk();
    if (config) {
      this.followIncludedDir(config.config_dir);
      for (const folder of this.follow(config.plugins)) this.dirty.add(folder);
    }
    const builds = [...this.dirty];
    this.dirty.clear();
    // Every changed plugin is built, even after one fails (a checkout touches several at once): a
    // failed build writes no .wasm, so the reload keeps that plugin as it runs and takes the others.
    // Up to one build per core at a time, each off the event loop: the proxy serves on.
    await runPool(builds, async (folder) => {
      try {
        const result = await buildPluginOffThread(folder, { output: this.outputs.get(folder)! });
        this.logger.info({ plugin: result.name, ms: result.millis, bytes: result.bytes, cached: result.cached }, "plugin rebuilt");
        changed = true;
      } catch (err) {
        this.logger.error({ folder, err: (err as Error).message }, "plugin build failed; the running plugin stays");
      }
    });
    if (changed) await this.proxy.reload();
  }
}

