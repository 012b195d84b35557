import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { filesUnder } from "./files-under.js";
import type { CacheInputs, PluginSource } from "./guest-language.js";
import { nylonCacheDir, packageRoot, witDir } from "../package-paths.js";

// Builds are content-addressed: the key hashes every input a component is made from (the plugin's
// sources, the SDK and toolchain versions its language reports, the WIT contract and nylon's own
// build code), so an unchanged plugin is never compiled (or prepared) twice, whichever checkout,
// test or `--watch` asks for it. An entry holds the build's output files, in nylon's cache store
// (runtime/cache-entries.ts).

/**
 * nylon's build code: a change to how components are made or prepared must not serve components made
 * the old way. Read from tsc's output, which the package ships beside the bundle, so the key is the
 * same whichever of the two runs the build.
 */
const RUNTIME_CODE_DIR = path.join(packageRoot, "dist", "runtime");
const BUILD_CODE_DIR = path.join(RUNTIME_CODE_DIR, "compile");
/** Build code outside that folder: how a source map is stored in a component, and how a prepared file is made and encoded. */
const BUILD_CODE_FILES = [
  path.join(RUNTIME_CODE_DIR, "plugin", "source-map-section.js"),
  path.join(RUNTIME_CODE_DIR, "plugin", "prepared-plugin.js"),
  ...filesUnder(path.join(RUNTIME_CODE_DIR, "plugin", "sandbox")),
];

/** The cache folder: build/ in nylon's cache folder (never a shared /tmp: it holds code nylon runs). */
export function buildCacheRoot(): string {
  return nylonCacheDir("build");
}

/** The key of a build of `source` from `inputs`. Files are named relative to the plugin's folder, so a moved folder still hits. */
export function buildCacheKey(source: PluginSource, inputs: CacheInputs): string {
  const hash = createHash("sha256");
  const field = (name: string, value: string | Uint8Array) => hash.update(`${name}\0${Buffer.byteLength(value)}\0`).update(value);
  field("language", source.language);
  field("entry", path.relative(source.dir, source.entry));
  for (const [tool, version] of Object.entries(inputs.toolchain).sort(([a], [b]) => a.localeCompare(b))) field(`tool ${tool}`, version);
  const files = [...new Set(inputs.files.map((f) => path.resolve(f)))].sort();
  for (const file of files) {
    const content = readIfExists(file);
    field(`${content ? "file" : "absent"} ${path.relative(source.dir, file)}`, content ?? "");
  }
  for (const file of filesUnder(witDir)) field(`wit ${path.relative(witDir, file)}`, fs.readFileSync(file));
  for (const file of [...filesUnder(BUILD_CODE_DIR), ...BUILD_CODE_FILES]) field(`nylon ${path.relative(BUILD_CODE_DIR, file)}`, fs.readFileSync(file));
  return hash.digest("hex");
}

function readIfExists(file: string): Uint8Array | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}
