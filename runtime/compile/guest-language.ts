import type fs from "node:fs";

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

/**
 * One guest language: how to recognise its plugin sources and how to turn them into a component
 * against sdk-wit/wit. `compile` returns the component's bytes; writing them is the driver's job
 * (build-plugin.ts), so every language gets the same atomic write and the same reporting.
 */
export interface GuestLanguage {
  readonly name: GuestLanguageName;
  /** The plugin this file or folder holds in this language, or null when it holds none. */
  detect(absolutePath: string, stat: fs.Stats): PluginSource | null;
  /** Builds the component; a failure is a NylonError NYLON_E_BUILD carrying the compiler's own message. */
  compile(source: PluginSource, progress: BuildProgress): Promise<Uint8Array>;
}
