import fs from "node:fs";
import path from "node:path";
import { NylonError } from "../errors.js";

export interface PluginSource {
  /** Absolute path of the plugin's TypeScript (or JavaScript) entry file. */
  entry: string;
  /** The plugin's name: its folder's name, or the file's name without extension. */
  name: string;
  /** Where the component is written unless the user says otherwise. */
  defaultOutput: string;
}

const ENTRY_NAMES = ["plugin.ts", "index.ts", "plugin.js", "index.js"];

/** A plugin is a source file, or a folder holding plugin.ts (or index.ts). */
export function resolvePluginSource(input: string): PluginSource {
  const abs = path.resolve(input);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new NylonError("NYLON_E_BUILD", `${input}: no such file or folder`);
  }
  if (stat.isDirectory()) {
    const found = ENTRY_NAMES.map((n) => path.join(abs, n)).find((p) => fs.existsSync(p));
    if (!found) throw new NylonError("NYLON_E_BUILD", `${input}: the folder has none of ${ENTRY_NAMES.join(", ")}`);
    const name = path.basename(abs);
    return { entry: found, name, defaultOutput: path.join(abs, `${name}.wasm`) };
  }
  const name = path.basename(abs).replace(/\.[cm]?[tj]s$/, "");
  return { entry: abs, name, defaultOutput: path.join(path.dirname(abs), `${name}.wasm`) };
}

/** Every plugin folder directly under `dir` (used by `nylon build <dir> --all`). */
export function listPluginFolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && ENTRY_NAMES.some((n) => fs.existsSync(path.join(dir, d.name, n))))
    .map((d) => path.join(dir, d.name))
    .sort();
}
