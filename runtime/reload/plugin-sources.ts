import fs from "node:fs";
import path from "node:path";

/**
 * Which files of a plugin folder are its sources, per guest language: a change to one rebuilds the
 * plugin under `nylon run --watch` (dev-watch.ts). Kept apart from the guest languages' build code
 * (runtime/compile/typescript.ts, go.ts, rust.ts), which loads their compilers while the watcher
 * runs in the proxy, and whose every file is part of the build cache's key.
 */
interface WatchedSources {
  /** A file, by its path relative to the plugin folder, whose change means a rebuild. */
  source: RegExp;
  /**
   * When this file is in the folder, the plugin is a module or crate whose sources may sit in
   * subfolders: the folder is watched with them, but for `skip` (the build's own output).
   */
  tree?: { root: string; skip: readonly string[] };
}

const LANGUAGES: readonly WatchedSources[] = [
  { source: /\.[cm]?[tj]s$/ },
  { source: /\.go$|(^|\/)go\.(mod|sum|work)$/, tree: { root: "go.mod", skip: [] } },
  { source: /\.rs$|(^|\/)Cargo\.(toml|lock)$/, tree: { root: "Cargo.toml", skip: ["target"] } },
];

export function isPluginSource(relativePath: string): boolean {
  const file = relativePath.split(path.sep).join("/");
  return LANGUAGES.some((l) => l.source.test(file));
}

/** How to watch a plugin folder: with its subfolders when it holds a Go module or a Rust crate, and which of them to ignore. */
export function sourceTree(folder: string): { recursive: boolean; skip: ReadonlySet<string> } {
  const trees = LANGUAGES.flatMap((l) => (l.tree && fs.existsSync(path.join(folder, l.tree.root)) ? [l.tree] : []));
  return { recursive: trees.length > 0, skip: new Set(trees.flatMap((t) => t.skip)) };
}
