// The harness tests' own plugins (test/plugins/<name>), built on first use and whenever their source
// or the SDK is newer than the .wasm.
import fs from "node:fs";
import path from "node:path";
import { buildPlugin } from "../../runtime/compile/build-plugin.js";
import { packageRoot, sdkDir } from "../../runtime/package-paths.js";

export async function fixtureWasm(name: string): Promise<string> {
  const dir = path.join(packageRoot, "test", "plugins", name);
  const wasm = path.join(dir, `${name}.wasm`);
  const sources = [path.join(dir, "plugin.ts"), ...fs.readdirSync(sdkDir).filter((f) => f.endsWith(".ts")).map((f) => path.join(sdkDir, f))];
  const newest = Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
  if (!fs.existsSync(wasm) || fs.statSync(wasm).mtimeMs < newest) await buildPlugin(dir);
  return wasm;
}

/** A plugin of plugins/ (built by `npm run build:plugins`). */
export function examplePluginWasm(name: string): string {
  return path.join(packageRoot, "plugins", name, `${name}.wasm`);
}
