// The guest languages an example plugin is built in, so a benchmark shows them side by side: the
// TypeScript build in plugins/<name>, the Rust one in plugins/<name>-rust, the Go one in
// plugins/<name>-go (`npm run build:plugins` builds every one whose sources are there).
import { existsSync } from "node:fs";
import { pluginWasmPath } from "./repo-paths.js";

export type GuestLanguage = "TypeScript" | "Rust" | "Go";

export interface GuestBuild {
  language: GuestLanguage;
  /** The plugin folder's name under plugins/. */
  plugin: string;
  wasm: string;
}

const SUFFIXES: [GuestLanguage, string][] = [
  ["TypeScript", ""],
  ["Rust", "-rust"],
  ["Go", "-go"],
];

/** Every build of `example` whose component exists, and the languages whose component is missing. */
export function guestBuilds(example: string): { builds: GuestBuild[]; missing: GuestLanguage[] } {
  const all = SUFFIXES.map(([language, suffix]) => ({ language, plugin: `${example}${suffix}`, wasm: pluginWasmPath(`${example}${suffix}`) }));
  return { builds: all.filter((b) => existsSync(b.wasm)), missing: all.filter((b) => !existsSync(b.wasm)).map((b) => b.language) };
}
