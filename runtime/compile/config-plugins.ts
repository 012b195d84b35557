import path from "node:path";
import type { PluginSpec } from "../config/schema.js";
import { resolvePluginSource, type PluginSource } from "./plugin-source.js";

/**
 * The plugin folders a config's `plugins` load from, each mapped to the .wasm it is built to
 * (folders without a plugin source are left out: their .wasm was built elsewhere). A folder has one
 * source (resolvePluginSource), so when several plugins name .wasm files in the same folder only one
 * is built: the folder's default output (what `nylon build FOLDER` writes) if a plugin names it, else
 * the first listed. The others are loaded as they are and never overwritten: a .wasm next to a
 * plugin's source may be a component built elsewhere.
 */
export function pluginBuildsOf(plugins: readonly PluginSpec[]): Map<string, string> {
  const outputs = new Map<string, string>();
  for (const { file } of plugins) {
    const folder = path.dirname(file);
    const source = sourceOf(folder);
    if (source && (!outputs.has(folder) || file === source.defaultOutput)) outputs.set(folder, file);
  }
  return outputs;
}

function sourceOf(folder: string): PluginSource | undefined {
  try {
    return resolvePluginSource(folder);
  } catch {
    return undefined;
  }
}
