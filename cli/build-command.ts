import path from "node:path";
import { buildPlugin } from "../runtime/compile/build-plugin.js";
import { listPluginFolders } from "../runtime/compile/plugin-source.js";
import { NylonError } from "../runtime/errors.js";

/** `nylon build <plugin> [-o out.wasm]` or `nylon build <dir> --all`. Returns the exit code. */
export async function buildCommand(input: string, options: { output?: string; all?: boolean }): Promise<number> {
  const targets = options.all ? listPluginFolders(input) : [input];
  if (options.all && options.output) {
    process.stderr.write("nylon build: --output cannot be used with --all\n");
    return 2;
  }
  if (targets.length === 0) {
    process.stderr.write(`nylon build: no plugin folders under ${input}\n`);
    return 1;
  }
  let failed = 0;
  for (const target of targets) {
    const label = path.relative(process.cwd(), path.resolve(target)) || target;
    try {
      const result = await buildPlugin(target, {
        ...(options.output ? { output: options.output } : {}),
        progress: (step) => process.stderr.write(`[${label}] ${step}\n`),
      });
      process.stderr.write(
        `[${label}] built ${path.relative(process.cwd(), result.output)} (${(result.bytes / 1024 / 1024).toFixed(2)} MB) in ${(result.millis / 1000).toFixed(1)} s\n`,
      );
    } catch (err) {
      failed++;
      process.stderr.write(`[${label}] ${err instanceof NylonError ? err.message : String((err as Error).stack ?? err)}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}
