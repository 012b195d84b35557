import fs from "node:fs";
import path from "node:path";
import { NylonError } from "../errors.js";
import { GUEST_LANGUAGES } from "./guest-languages.js";
import type { PluginSource } from "./guest-language.js";

export type { PluginSource } from "./guest-language.js";

/** A plugin is a source file, or a folder that one of the guest languages recognises. */
export function resolvePluginSource(input: string): PluginSource {
  const abs = path.resolve(input);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new NylonError("NYLON_E_BUILD", `${input}: no such file or folder`);
  }
  const source = detect(abs, stat);
  if (!source) throw new NylonError("NYLON_E_BUILD", `${input}: ${notAPlugin(abs, stat)}`);
  return source;
}

/** What an input that no guest language recognises is, and what to give instead. */
function notAPlugin(abs: string, stat: fs.Stats): string {
  const languages = new Intl.ListFormat("en", { type: "disjunction" }).format(GUEST_LANGUAGES.map((l) => l.name));
  if (stat.isDirectory()) return `the folder holds no plugin (a ${languages} plugin folder); to build every plugin folder inside it, add --all`;
  if (path.extname(abs) === ".wasm") return "a WebAssembly file is already built: give the folder of the plugin's sources";
  return `not a plugin source: give a ${languages} plugin's folder or source file`;
}

/** Every plugin folder directly under `dir` (used by `nylon build <dir> --all`). */
export function listPluginFolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(dir, d.name))
    .filter((folder) => detect(folder, fs.statSync(folder)) !== null)
    .sort();
}

function detect(abs: string, stat: fs.Stats): PluginSource | null {
  for (const language of GUEST_LANGUAGES) {
    const source = language.detect(abs, stat);
    if (source) return source;
  }
  return null;
}
