import { createHash } from "node:crypto";
import fs from "node:fs";
import { readCacheEntry, writeCacheEntry } from "../cache-entries.js";
import { nylonCacheDir } from "../package-paths.js";
import { HOST_CONTRACT_VERSION } from "./contract.js";
import { decodePrepared, encodePrepared, PreparedFormatError, preparedPathFor, type PreparedPlugin } from "./prepared-plugin.js";
import type { Instrumentation } from "./sandbox/instrumentation.js";

// Where a plugin's prepared form is found: beside its `.wasm` (written by `nylon build` or `nylon
// prepare`), else in nylon's cache store (runtime/cache-entries.ts, the same store builds use), keyed
// by the component's hash, the contract and the instrumentation.

export function componentHash(component: Uint8Array): string {
  return createHash("sha256").update(component).digest("hex");
}

/**
 * The prepared file beside `wasmFile` when it was made from these very bytes; null when there is none,
 * it is stale (another build of the plugin), or unreadable (`unusable` says why, for the log).
 */
export function readBeside(wasmFile: string, component: Uint8Array, hash: string): { prepared: PreparedPlugin | null; unusable?: string } {
  let file: Buffer;
  try {
    file = fs.readFileSync(preparedPathFor(wasmFile));
  } catch {
    return { prepared: null };
  }
  try {
    const prepared = decodePrepared(file, component);
    if (prepared.component !== hash) return { prepared: null, unusable: "it was prepared from another build of the plugin" };
    return { prepared };
  } catch (err) {
    if (err instanceof PreparedFormatError) return { prepared: null, unusable: err.message };
    throw err;
  }
}

/** The cache entry of a prepared plugin: the component's hash, the contract and the instrumentation it was made for. */
function cacheKey(hash: string, instrumentation: Instrumentation): string {
  return createHash("sha256")
    .update(`${hash}\0contract ${HOST_CONTRACT_VERSION}\0instrumentation ${JSON.stringify(instrumentation)}`)
    .digest("hex");
}

const PREPARED_ENTRY = "plugin.prepared";

export function readCached(component: Uint8Array, hash: string, instrumentation: Instrumentation): PreparedPlugin | null {
  const file = readCacheEntry(nylonCacheDir("prepared"), cacheKey(hash, instrumentation))?.[PREPARED_ENTRY];
  if (!file) return null;
  try {
    const prepared = decodePrepared(file, component);
    return prepared.component === hash ? prepared : null;
  } catch {
    return null; // damaged: prepared again
  }
}

/** Stores a prepared plugin in the cache (a cache that cannot be written only costs the next start its time). */
export function writeCached(prepared: PreparedPlugin, component: Uint8Array): void {
  writeCacheEntry(nylonCacheDir("prepared"), cacheKey(prepared.component, prepared.instrumentation), {
    [PREPARED_ENTRY]: encodePrepared(prepared, component),
  });
}
