// The harness tests' own plugins (test/plugins/<name>), built through the build cache: the first
// test (or `npm run build:plugins`) that needs one compiles it, every later one gets it from the cache.
import path from "node:path";
import { buildPlugin } from "../../runtime/compile/build-plugin.js";
import { packageRoot } from "../../runtime/package-paths.js";

export async function fixtureWasm(name: string): Promise<string> {
  return (await buildPlugin(path.join(packageRoot, "test", "plugins", name))).output;
}

/** A plugin of plugins/ (built by `npm run build:plugins`). */
export function examplePluginWasm(name: string): string {
  return path.join(packageRoot, "plugins", name, `${name}.wasm`);
}
