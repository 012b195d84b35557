// Where nylon's own files are, wherever it is installed. This file runs from dist/runtime/ (tsc's
// output) or from dist/bundle/ (the bundled runtime the package ships): both are two folders below
// the package's root.
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const packageRoot = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const witDir = path.join(packageRoot, "sdk-wit", "wit");
export const sdkDir = path.join(packageRoot, "sdk-wit", "ts");
/** The Go SDK's module (`nylon/sdk`), which `nylon build` supplies to Go plugins. */
export const goSdkDir = path.join(packageRoot, "sdk-wit", "go");
/** The contract version this proxy speaks, read from the WIT package line. */
export const CONTRACT_PACKAGE = "nylon:plugin";

/**
 * nylon's folder in the user's cache (builds, prepared plugins, compiled JS): $NYLON_CACHE_DIR, else
 * nylon/ in $XDG_CACHE_HOME or ~/.cache. It holds code nylon runs, so it is the user's own, never a
 * shared /tmp.
 */
export function nylonCacheDir(...parts: string[]): string {
  const base = process.env.NYLON_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "nylon");
  return path.join(base, ...parts);
}
