import { builtinModules } from "node:module";
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
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n") + sandboxHint(d);
    if (!d.file || d.start === undefined) return `error TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(process.cwd(), d.file.fileName)}:${line + 1}:${character + 1}: error TS${d.code}: ${text}`;
  });
}

/**
 * A plugin that imports a Node.js module gets TypeScript's bare "Cannot find module": say why (the
 * plugin runs in a sandbox without Node's APIs) and what it has instead.
 */
function sandboxHint(d: ts.Diagnostic): string {
  if (d.code !== 2307) return "";
  const name = /Cannot find module '([^']+)'/.exec(ts.flattenDiagnosticMessageText(d.messageText, "\n"))?.[1];
  if (name === undefined || !(name.startsWith("node:") || builtinModules.includes(name))) return "";
  return (
    ". Plugins run sandboxed in WebAssembly, without Node.js modules: no file system, network, processes or environment. " +
    "Use what the SDK gives (@nylon/sdk: the request and response, WebSocket rooms, the plugin's `config` from the YAML, console, " +
    "timers, Date and Math.random); docs/plugins.md lists it"
  );
}
