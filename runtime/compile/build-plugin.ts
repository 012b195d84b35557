import fs from "node:fs";
import path from "node:path";
import { GUEST_LANGUAGES } from "./guest-languages.js";
import type { BuildProgress, GuestLanguageName } from "./guest-language.js";
import { resolvePluginSource } from "./plugin-source.js";

export type { BuildProgress } from "./guest-language.js";

export interface BuildResult {
  name: string;
  language: GuestLanguageName;
  output: string;
  bytes: number;
  millis: number;
}

/** A plugin's sources, in whichever guest language they are, -> a WebAssembly component on disk. */
export async function buildPlugin(
  input: string,
  options: { output?: string; progress?: BuildProgress } = {},
): Promise<BuildResult> {
  const started = Date.now();
  const progress = options.progress ?? (() => {});
  const source = resolvePluginSource(input);
  const output = path.resolve(options.output ?? source.defaultOutput);
  const language = GUEST_LANGUAGES.find((l) => l.name === source.language)!;
  const component = await language.compile(source, progress);
  fs.mkdirSync(path.dirname(output), { recursive: true });
  // Write then rename, so a running proxy's reload never reads a half-written file.
  const partial = `${output}.partial`;
  fs.writeFileSync(partial, component);
  fs.renameSync(partial, output);
  return { name: source.name, language: source.language, output, bytes: component.length, millis: Date.now() - started };
}
