import path from "node:path";
import { writePreparedBeside } from "../runtime/compile/prepare-plugin.js";
import { NylonError } from "../runtime/errors.js";

/**
 * `nylon prepare <plugin.wasm>...`: writes `<plugin.wasm>.prepared` beside each component (what
 * `nylon build` writes after a build), for a component built by other tools, so a proxy installed
 * without the plugin toolchain can run it. Returns the exit code.
 */
export async function prepareCommand(files: string[]): Promise<number> {
  let failed = 0;
  for (const file of files) {
    try {
      const written = await writePreparedBeside(path.resolve(file));
      process.stderr.write(`prepared ${path.relative(process.cwd(), written)}\n`);
    } catch (err) {
      failed++;
      process.stderr.write(`nylon prepare: ${err instanceof NylonError ? err.message : String((err as Error).stack ?? err)}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}
