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
 * Paths in the output are relative to the plugin's folder, so the same sources give the same bundle
 * wherever the build runs from (the build cache relies on it).
 */
export async function bundlePlugin(entry: string): Promise<string> {
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
    const { output } = await bundle.generate({ format: "esm" });
    return output[0].code;
  } finally {
    await bundle.close();
  }
}
