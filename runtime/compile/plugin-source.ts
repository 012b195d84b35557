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
  if (!source) {
    const what = stat.isDirectory() ? "the folder holds no plugin" : "not a plugin source file";
    throw new NylonError("NYLON_E_BUILD", `${input}: ${what} (${GUEST_LANGUAGES.map((l) => l.name).join(", ")} plugins are built)`);
  }
  return source;
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
