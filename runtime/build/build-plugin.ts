import fs from "node:fs";
import path from "node:path";
import { NylonError } from "../errors.js";
import { bundlePlugin } from "./bundle.js";
import { componentizePlugin } from "./componentize.js";
import { resolvePluginSource } from "./plugin-source.js";
import { typecheckPlugin } from "./typecheck.js";

export interface BuildResult {
  name: string;
  output: string;
  bytes: number;
  millis: number;
}

export type BuildProgress = (step: string) => void;

/**
 * TypeScript plugin -> WebAssembly component. A type error stops the build before anything is
 * written, with file:line:col for each error.
 */
export async function buildPlugin(
  input: string,
  options: { output?: string; progress?: BuildProgress } = {},
): Promise<BuildResult> {
  const started = Date.now();
  const progress = options.progress ?? (() => {});
  const source = resolvePluginSource(input);
  const output = path.resolve(options.output ?? source.defaultOutput);

  progress(`type-checking ${path.relative(process.cwd(), source.entry)}`);
  const errors = typecheckPlugin(source.entry);
  if (errors.length > 0) {
    throw new NylonError("NYLON_E_BUILD", `${source.name}: ${errors.length} type error(s)\n${errors.join("\n")}`);
  }
  progress("bundling with the SDK");
  let js: string;
  try {
    js = await bundlePlugin(source.entry);
  } catch (cause) {
    throw new NylonError("NYLON_E_BUILD", `${source.name}: bundling failed: ${(cause as Error).message}`, { cause });
  }
  progress("compiling to a WebAssembly component (QuickJS)");
  let component: Buffer;
  try {
    component = await componentizePlugin(js);
  } catch (cause) {
    throw new NylonError("NYLON_E_BUILD", `${source.name}: componentize failed: ${(cause as Error).message}`, { cause });
  }
  fs.mkdirSync(path.dirname(output), { recursive: true });
  // Write then rename, so a running proxy's reload never reads a half-written file.
  const partial = `${output}.partial`;
  fs.writeFileSync(partial, component);
  fs.renameSync(partial, output);
  return { name: source.name, output, bytes: component.length, millis: Date.now() - started };
}
