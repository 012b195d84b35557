import path from "node:path";
import ts from "typescript";
import { sdkDir } from "../package-paths.js";

/** How a plugin is type-checked: against the SDK, as the bundler resolves it, in the guest's ES2022 (no Node, no DOM). */
export function pluginCompilerOptions(entry: string): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    baseUrl: path.dirname(entry),
    paths: { "@nylon/sdk": [path.join(sdkDir, "index.ts")] },
  };
}

/** Type-checks a plugin against the SDK; returns "file:line:col: message" lines (empty when clean). */
export function typecheckPlugin(entry: string): string[] {
  if (!/\.[cm]?ts$/.test(entry)) return [];
  const options = pluginCompilerOptions(entry);
  const program = ts.createProgram([entry, path.join(sdkDir, "generated", "wit.d.ts")], options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return `error TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(process.cwd(), d.file.fileName)}:${line + 1}:${character + 1}: error TS${d.code}: ${text}`;
  });
}
