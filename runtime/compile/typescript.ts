import fs from "node:fs";
import path from "node:path";
import { NylonError } from "../errors.js";
import type { GuestLanguage, PluginSource } from "./guest-language.js";
import { typecheckPlugin } from "./typecheck.js";
import { typescriptCacheInputs } from "./typescript-inputs.js";
import { stackMapper, withSourceMapSection, type StackMapper } from "../plugin/source-map-section.js";

const ENTRY_NAMES = ["plugin.ts", "index.ts", "plugin.js", "index.js"];

/**
 * TypeScript (or JavaScript) plugins: type-checked against the SDK, bundled with it, and run by
 * QuickJS inside the component. A type error stops the build before anything is written, with
 * file:line:col for each error.
 */
export const typescript: GuestLanguage = {
  name: "typescript",

  detect(abs: string, stat: fs.Stats): PluginSource | null {
    if (stat.isDirectory()) {
      const entry = ENTRY_NAMES.map((n) => path.join(abs, n)).find((p) => fs.existsSync(p));
      if (!entry) return null;
      const name = path.basename(abs);
      return { language: "typescript", name, dir: abs, entry, defaultOutput: path.join(abs, `${name}.wasm`) };
    }
    if (!/\.[cm]?[tj]s$/.test(abs)) return null;
    const name = path.basename(abs).replace(/\.[cm]?[tj]s$/, "");
    const dir = path.dirname(abs);
    return { language: "typescript", name, dir, entry: abs, defaultOutput: path.join(dir, `${name}.wasm`) };
  },

  cacheInputs: typescriptCacheInputs,

  async compile(source, progress) {
    progress(`type-checking ${path.relative(process.cwd(), source.entry)}`);
    const errors = typecheckPlugin(source.entry);
    if (errors.length > 0) {
      throw new NylonError("NYLON_E_BUILD", `${errors.length} type error(s)\n${errors.join("\n")}`);
    }
    // The bundler and the componentizer are loaded only to compile: a build the cache answers needs neither.
    const [{ bundlePlugin }, { componentizeQuickJs }] = await Promise.all([import("./bundle.js"), import("./componentize-quickjs.js")]);
    progress("bundling with the SDK");
    let bundle: Awaited<ReturnType<typeof bundlePlugin>>;
    try {
      bundle = await bundlePlugin(source.entry);
    } catch (cause) {
      throw new NylonError("NYLON_E_BUILD", `bundling failed: ${(cause as Error).message}`, { cause });
    }
    progress("compiling to a WebAssembly component (QuickJS)");
    let component: Uint8Array;
    try {
      component = await componentizeQuickJs(bundle.code);
    } catch (cause) {
      throw new NylonError("NYLON_E_BUILD", componentizeFailure((cause as Error).message, stackMapper(bundle.map)), { cause });
    }
    return withSourceMapSection(component, bundle.map);
  },
};

/**
 * The componentizer's error, said for a person. Its one failure a type-checked plugin meets is its
 * top-level code throwing when the componentizer runs it to snapshot the plugin's state: say that,
 * with the error and its stack mapped to the plugin's sources, without the componentizer's layers.
 */
function componentizeFailure(message: string, mapStack: StackMapper): string {
  const thrown = /Failed to (?:finish JavaScript module evaluation|declare JavaScript module): ([\s\S]*)$/.exec(message);
  if (thrown) return `the plugin's top-level code threw while it was run at build time: ${mapStack(thrown[1]!.trim())}`;
  return `the WebAssembly component could not be made: ${mapStack(message.replace(/^[:\s]+/, "").trim())}`;
}
