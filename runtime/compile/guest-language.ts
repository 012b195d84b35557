import type fs from "node:fs";
import type { BuildLimits } from "./compile-process.js";

/** The guest languages `nylon build` knows; each has one file in this folder. */
export type GuestLanguageName = "typescript" | "go" | "rust";

/** Reports what a build is doing (a line per step, for long builds). */
export type BuildProgress = (step: string) => void;

/** A plugin's sources, as one guest language found them. */
export interface PluginSource {
  language: GuestLanguageName;
  /** The plugin's name: its folder's name, or the file's name without extension. */
  name: string;
  /** The folder that holds the plugin's sources (a file's folder when the input is one file). */
  dir: string;
  /** The file the language builds from (plugin.ts, main.go's folder, Cargo.toml). */
  entry: string;
  /** Where the component is written unless the user says otherwise. */
  defaultOutput: string;
}

/** What a build's output depends on, as one guest language reports it: the build cache's key (build-cache.ts). */
export interface CacheInputs {
  /**
   * Every file the component is made from, absolute paths: the plugin's sources (and the files they
   * import, wherever they are), lock files, the language's SDK. A listed file that does not exist
   * counts as absent, so creating it later rebuilds.
   */
  files: string[];
  /** Every tool that shapes the output, with its version, and any option that does: `{ rustc: "1.95.0" }`. */
  toolchain: Record<string, string>;
}

/**
 * One guest language: how to recognise its plugin sources and how to turn them into a component
 * against sdk-wit/wit. `compile` returns the component's bytes; writing them is the driver's job
 * (build-plugin.ts), so every language gets the same atomic write and the same reporting.
 */
export interface GuestLanguage {
  readonly name: GuestLanguageName;
  /** The plugin this file or folder holds in this language, or null when it holds none. */
  detect(absolutePath: string, stat: fs.Stats): PluginSource | null;
  /**
   * What the component built from `source` depends on. The driver adds the WIT contract and nylon's
   * own build code, hashes it all, and reuses an earlier build with the same hash instead of calling
   * `compile`: so list everything that can change the output, or a stale component is served. It
   * runs before every build, cached or not: read files and ask tools their version, build nothing.
   */
  cacheInputs(source: PluginSource): Promise<CacheInputs>;
  /**
   * Limits a compile of this language needs instead of the defaults (compile-process.ts), when the
   * user sets none: a first Rust build compiles its dependencies for minutes.
   */
  readonly buildLimits?: Partial<BuildLimits>;
  /**
   * Builds the component; a failure is a NylonError NYLON_E_BUILD carrying the compiler's own message
   * (without the plugin's name: the driver prints it). It runs in a child process of its own
   * (compile-process.ts) that is killed, with the tools it started, past the build's time or memory
   * limit, so it may block and may start tools; `progress` lines reach the user as they come.
   */
  compile(source: PluginSource, progress: BuildProgress): Promise<Uint8Array>;
}
