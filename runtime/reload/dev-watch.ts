import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { buildPlugin } from "../build/build-plugin.js";
import { resolvePluginSource } from "../build/plugin-source.js";
import type { Proxy } from "../proxy.js";

/** Editors save in bursts (write, rename, chmod): one rebuild per burst. */
const SETTLE_MS = 300;
const SOURCE_FILE = /\.[cm]?[tj]s$/;

/**
 * `nylon run --watch`, for development: a changed plugin source is rebuilt next to its .wasm, a
 * changed config file is re-read, and either way the proxy reloads (a failed build or an invalid
 * config is logged and changes nothing). fs.watch on the folders, no polling.
 */
export class DevWatch {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  /** What a change in each watched folder means; the config's folder may be a plugin's too. */
  private readonly handlers = new Map<string, Array<(file: string) => void>>();
  /** Plugin folders followed (not `watchers`: that also holds the config's folder). */
  private readonly pluginFolders = new Set<string>();
  /** Plugin folders with a source change not yet built, mapped to the .wasm the config loads. */
  private readonly dirty = new Map<string, string>();
  private configChanged = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly proxy: Proxy,
    private readonly configFile: string,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const configDir = path.dirname(path.resolve(this.configFile));
    const configName = path.basename(this.configFile);
    this.watch(configDir, (file) => {
      if (file === configName) this.configChanged = true;
    });
    this.followPlugins();
    this.logger.info({ config: this.configFile, folders: [...this.watchers.keys()] }, "watching plugin sources and the config");
  }

  stop(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.handlers.clear();
  }

  /** Watches the source folder of every plugin the config has now (a reload may add or drop some). */
  private followPlugins(): void {
    for (const spec of this.proxy.config.plugins) {
      const folder = path.dirname(spec.file);
      if (this.pluginFolders.has(folder) || !hasSource(folder)) continue;
      this.pluginFolders.add(folder);
      this.watch(folder, (file) => {
        if (SOURCE_FILE.test(file)) this.dirty.set(folder, spec.file);
      });
    }
  }

  private watch(folder: string, onFile: (file: string) => void): void {
    const handlers = this.handlers.get(folder);
    if (handlers) {
      handlers.push(onFile);
      return;
    }
    this.handlers.set(folder, [onFile]);
    const watcher = fs.watch(folder, (_event, file) => {
      if (!file) return;
      for (const handle of this.handlers.get(folder) ?? []) handle(file.toString());
      clearTimeout(this.timer);
      this.timer = setTimeout(() => (this.running = this.running.then(() => this.rebuildAndReload())), SETTLE_MS);
    });
    watcher.on("error", (err) => this.logger.warn({ folder, err: err.message }, "stopped watching a folder"));
    this.watchers.set(folder, watcher);
  }

  private async rebuildAndReload(): Promise<void> {
    const builds = [...this.dirty];
    this.dirty.clear();
    if (builds.length === 0 && !this.configChanged) return;
    let changed = this.configChanged;
    this.configChanged = false;
    // Every changed plugin is built, even after one fails (a checkout touches several at once): a
    // failed build writes no .wasm, so the reload keeps that plugin as it runs and takes the others.
    for (const [folder, output] of builds) {
      try {
        const result = await buildPlugin(folder, { output });
        this.logger.info({ plugin: result.name, ms: result.millis, bytes: result.bytes }, "plugin rebuilt");
        changed = true;
      } catch (err) {
        this.logger.error({ folder, err: (err as Error).message }, "plugin build failed; the running plugin stays");
      }
    }
    if (changed && (await this.proxy.reload())) this.followPlugins();
  }
}

function hasSource(folder: string): boolean {
  try {
    resolvePluginSource(folder);
    return true;
  } catch {
    return false;
  }
}
