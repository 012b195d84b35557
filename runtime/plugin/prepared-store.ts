import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { nylonCacheDir } from "../package-paths.js";
import { HOST_CONTRACT_VERSION } from "./contract.js";
import { decodePrepared, encodePrepared, PreparedFormatError, preparedPathFor, type PreparedPlugin } from "./prepared-plugin.js";
import type { Instrumentation } from "./sandbox/instrumentation.js";

// Where a plugin's prepared form is found: beside its `.wasm` (written by `nylon build`), else in the
// user's cache, keyed by the component's hash, the contract and the instrumentation. The cache holds
// code nylon executes, so it lives in the user's own cache folder, never a shared /tmp.

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

function cacheFile(hash: string, instrumentation: Instrumentation): string {
  const key = createHash("sha256")
    .update(`${hash}\0contract ${HOST_CONTRACT_VERSION}\0instrumentation ${JSON.stringify(instrumentation)}`)
    .digest("hex");
  return nylonCacheDir("prepared", `${key}.prepared`);
}

export function readCached(component: Uint8Array, hash: string, instrumentation: Instrumentation): PreparedPlugin | null {
  try {
    const prepared = decodePrepared(fs.readFileSync(cacheFile(hash, instrumentation)), component);
    return prepared.component === hash ? prepared : null;
  } catch {
    return null; // missing or damaged: prepared again
  }
}

/** Stores a prepared plugin in the cache; a cache that cannot be written only costs the next start its time. */
export function writeCached(prepared: PreparedPlugin, component: Uint8Array): void {
  const file = cacheFile(prepared.component, prepared.instrumentation);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeAtomically(file, encodePrepared(prepared, component));
  } catch {
    // see above
  }
}

/** Write then rename, so a reader (a proxy reloading, another process) never sees half a file. */
export function writeAtomically(file: string, content: Uint8Array): void {
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, content);
  fs.renameSync(partial, file);
}
