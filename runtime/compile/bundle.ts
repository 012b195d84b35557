import type { SourceMapPayload } from "node:module";
import path from "node:path";
import { rolldown } from "rolldown";
import { sdkDir } from "../package-paths.js";

/**
 * The bundle's entry: the SDK's `guest` export, then the plugin for its side effects (registering
 * handlers). In that order, the SDK's console and timers exist when the plugin's top-level code
 * runs, and a throw there is reported as itself (evaluated first, it left `guest` undeclared).
 */
const MAIN = "\0nylon-plugin-main";

/**
 * One ES module holding the plugin, the SDK, and the `guest` export the component world needs.
 * The plugin imports `@nylon/sdk`; the host interface stays an import for the component toolchain.
 * Paths in the output and its source map are relative to the plugin's folder, so the same sources
 * give the same bundle wherever the build runs from (the build cache relies on it). The map leaves
 * the sources out: it only turns positions into `plugin.ts:11:5`.
 */
export async function bundlePlugin(entry: string): Promise<{ code: string; map: SourceMapPayload }> {
  const bundle = await rolldown({
    input: MAIN,
    cwd: path.dirname(entry),
    external: [/^nylon:plugin\//],
    resolve: { alias: { "@nylon/sdk": path.join(sdkDir, "index.ts") } },
    platform: "neutral",
    logLevel: "silent",
    plugins: [
      {
        name: "nylon-plugin-main",
        resolveId: (id) => (id === MAIN ? id : null),
        load: (id) =>
          id === MAIN ? `export { guest } from ${JSON.stringify(path.join(sdkDir, "exports.ts"))};\nimport ${JSON.stringify(entry)};\n` : null,
      },
    ],
  });
  try {
    // `dir` is never written to: it makes the map's paths relative to the plugin's folder.
    const { output } = await bundle.generate({ format: "esm", dir: path.dirname(entry), sourcemap: "hidden", sourcemapExcludeSources: true });
    const { code, map } = output[0];
    return { code, map: JSON.parse(map!.toString()) as SourceMapPayload };
  } finally {
    await bundle.close();
  }
}
