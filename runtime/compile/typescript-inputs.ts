import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { sdkDir } from "../package-paths.js";
import { filesUnder } from "./files-under.js";
import type { CacheInputs, PluginSource } from "./guest-language.js";
import { packageVersion } from "./package-version.js";
import { pluginCompilerOptions } from "./typecheck.js";

/**
 * What a TypeScript plugin's component is made from: the entry and every file it imports (type-only
 * imports too: they decide whether the build passes its type check), followed with TypeScript's own
 * resolver and the build's options, without type-checking; for an npm package it imports, the
 * package's package.json (its version); the whole SDK; the versions of the type checker, the bundler
 * and the componentizer.
 */
export async function typescriptCacheInputs(source: PluginSource): Promise<CacheInputs> {
  return {
    files: [...importedFiles(source.entry), ...filesUnder(sdkDir)],
    toolchain: {
      typescript: ts.version,
      rolldown: packageVersion("rolldown"),
      "componentize-qjs": packageVersion("componentize-qjs"),
    },
  };
}

function importedFiles(entry: string): string[] {
  const options = { ...pluginCompilerOptions(entry), allowJs: true };
  const seen = new Set<string>();
  const files: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    files.push(file);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue; // listed as absent: creating it changes the key
    }
    const { importedFiles: imports, referencedFiles } = ts.preProcessFile(text, true, true);
    for (const ref of referencedFiles) queue.push(path.resolve(path.dirname(file), ref.fileName));
    for (const ref of imports) {
      const resolved = ts.resolveModuleName(ref.fileName, file, options, ts.sys).resolvedModule;
      // Unresolved: the build fails on it, and a failed build is never cached.
      if (!resolved) continue;
      if (resolved.isExternalLibraryImport) files.push(...packageJsonOf(resolved.resolvedFileName));
      else queue.push(resolved.resolvedFileName);
    }
  }
  return files;
}

/** The package.json of the npm package holding `file` (its version stands for its contents). */
function packageJsonOf(file: string): string[] {
  for (let dir = path.dirname(file); path.basename(dir) !== "node_modules" && dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) return [manifest];
  }
  return [file];
}
