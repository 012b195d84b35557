import fs from "node:fs";
import path from "node:path";
import { buildCacheKey, buildCacheRoot } from "./build-cache.js";
import { readCacheEntry, writeCacheEntry } from "../cache-entries.js";
import { compileInChildProcess, DEFAULT_BUILD_LIMITS, type BuildLimits } from "./compile-process.js";
import { GUEST_LANGUAGES } from "./guest-languages.js";
import type { BuildProgress, GuestLanguageName } from "./guest-language.js";
import { resolvePluginSource } from "./plugin-source.js";
import { writeOutput } from "./write-output.js";
import { PREPARE_VERSION, preparedBytes } from "./prepare-plugin.js";
import { preparedPathFor } from "../plugin/prepared-plugin.js";

export type { BuildProgress } from "./guest-language.js";
export { DEFAULT_BUILD_LIMITS, type BuildLimits } from "./compile-process.js";

export interface BuildResult {
  name: string;
  language: GuestLanguageName;
  output: string;
  bytes: number;
  millis: number;
  /** True when the component came from the build cache: the same inputs were built before. */
  cached: boolean;
}

const COMPONENT = "component.wasm";
const PREPARED = "component.wasm.prepared";

/**
 * A plugin's sources, in whichever guest language they are, -> a WebAssembly component on disk, and
 * beside it what the proxy runs it with (`<output>.prepared`, runtime/compile/prepare-plugin.ts), so a
 * proxy needs no toolchain to load it. A build whose inputs (build-cache.ts) are unchanged is not
 * compiled or prepared again: both come from the cache. A compile runs in a child process within
 * `limits` (compile-process.ts): those given, else the language's, else the defaults.
 */
export async function buildPlugin(
  input: string,
  options: { output?: string; progress?: BuildProgress; limits?: Partial<BuildLimits> } = {},
): Promise<BuildResult> {
  const started = Date.now();
  const progress = options.progress ?? (() => {});
  const source = resolvePluginSource(input);
  const output = outputFile(source.name, options.output ?? source.defaultOutput);
  const language = GUEST_LANGUAGES.find((l) => l.name === source.language)!;
  const inputs = await language.cacheInputs(source);
  const key = buildCacheKey(source, { ...inputs, toolchain: { ...inputs.toolchain, "nylon prepare": PREPARE_VERSION } });
  const cached = readCacheEntry(buildCacheRoot(), key);
  const limits = { ...DEFAULT_BUILD_LIMITS, ...language.buildLimits, ...options.limits };
  const component = cached?.[COMPONENT] ?? (await compileInChildProcess(source, progress, limits));
  let prepared = cached?.[PREPARED];
  if (!prepared) {
    progress("preparing it for the proxy (glue, sandbox)");
    prepared = await preparedBytes(output, component);
    writeCacheEntry(buildCacheRoot(), key, { [COMPONENT]: component, [PREPARED]: prepared });
  }
  // The prepared file first: whoever watches the .wasm finds its prepared file already there.
  writeOutput(preparedPathFor(output), prepared, output);
  writeOutput(output, component);
  return { name: source.name, language: source.language, output, bytes: component.length, millis: Date.now() - started, cached: cached?.[COMPONENT] !== undefined };
}

/** Where the component goes: the file named, or `<name>.wasm` inside a folder named. */
function outputFile(name: string, output: string): string {
  const file = path.resolve(output);
  let isFolder = false;
  try {
    isFolder = fs.statSync(file).isDirectory();
  } catch {
    // not there (or not reachable): written as a file, and writing says why when it cannot be
  }
  return isFolder ? path.join(file, `${name}.wasm`) : file;
}
