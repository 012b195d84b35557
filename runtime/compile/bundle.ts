import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { rolldown } from "rolldown";
import { sdkDir } from "../package-paths.js";

/**
 * One ES module holding the plugin, the SDK, and the `guest` export the component world needs.
 * The plugin imports `@nylon/sdk`; the host interface stays an import for the component toolchain.
 */
export async function bundlePlugin(entry: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-build-"));
  try {
    const main = path.join(dir, "main.ts");
    fs.writeFileSync(
      main,
      `import ${JSON.stringify(entry)};\nexport { guest } from ${JSON.stringify(path.join(sdkDir, "exports.ts"))};\n`,
    );
    const bundle = await rolldown({
      input: main,
      external: [/^nylon:plugin\//],
      resolve: { alias: { "@nylon/sdk": path.join(sdkDir, "index.ts") } },
      platform: "neutral",
      logLevel: "silent",
    });
    const { output } = await bundle.generate({ format: "esm" });
    await bundle.close();
    return output[0].code;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
