import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { transpile } from "jco-legacy";
import { NylonError } from "../errors.js";
import { CONTRACT_CHECK_REVISION } from "../plugin/contract.js";
import { encodePrepared, PREPARED_FORMAT, preparedPathFor, type PreparedPlugin } from "../plugin/prepared-plugin.js";
import { componentHash } from "../plugin/prepared-store.js";
import { DEFAULT_INSTRUMENTATION, instrumentModule, type Instrumentation } from "../plugin/sandbox/instrumentation.js";
import { checkContract } from "./check-contract.js";
import { writeOutput } from "./write-output.js";

// Everything a running proxy would otherwise do with the build toolchain, done once: check the
// contract, generate the glue with jco 1.10.2 (its glue costs a fraction of what jco >= 1.17 generates
// per import call, wasm-toolchain-facts §3), and rewrite the core modules for the sandbox.

// The package does not export its package.json; it sits one folder above its entry (src/api.js).
const JCO_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.resolve("jco-legacy"))), "..", "package.json"), "utf8"),
).version;
const GLUE_OPTIONS = { name: "plugin", instantiation: "sync", base64Cutoff: 0 } as const;

/** What a prepared file depends on besides the component: a build cache entry made with others is not reused. */
export const PREPARE_VERSION = `format ${PREPARED_FORMAT}, jco ${JCO_VERSION}, instrumentation ${JSON.stringify(DEFAULT_INSTRUMENTATION)}, contract check ${CONTRACT_CHECK_REVISION}`;

/** A component -> its prepared form (runtime/plugin/prepared-plugin.ts). */
export async function preparePlugin(
  file: string,
  component: Uint8Array,
  instrumentation: Instrumentation = DEFAULT_INSTRUMENTATION,
): Promise<PreparedPlugin> {
  const contract = await checkContract(file, component);
  let files: Record<string, Uint8Array>;
  try {
    ({ files } = await transpile(component, GLUE_OPTIONS));
  } catch (cause) {
    throw new NylonError("NYLON_E_PLUGIN_LOAD", `cannot generate bindings for ${file}: ${(cause as Error).message}`, { cause });
  }
  const modules = [];
  for (const [name, original] of Object.entries(files)) {
    if (!/^[\w.-]+\.wasm$/.test(name)) continue;
    let instrumented: Uint8Array;
    try {
      instrumented = instrumentModule(original, instrumentation);
    } catch (cause) {
      throw new NylonError("NYLON_E_PLUGIN_LOAD", `cannot sandbox ${file} (${name}): ${(cause as Error).message}`, { cause });
    }
    modules.push({ name, original, instrumented });
  }
  return {
    component: componentHash(component),
    contract,
    glueGenerator: `jco ${JCO_VERSION}`,
    instrumentation,
    glue: Buffer.from(files["plugin.js"]!).toString("utf8"),
    modules,
  };
}

/** The prepared file's bytes for `component` (read from `file`, named in errors). */
export async function preparedBytes(file: string, component: Uint8Array): Promise<Uint8Array> {
  return encodePrepared(await preparePlugin(file, component), component);
}

/**
 * Writes `<wasmFile>.prepared` for the component at `wasmFile`, so that a proxy runs it without the
 * toolchain and without redoing this work on every start. Returns the file written.
 */
export async function writePreparedBeside(wasmFile: string, component: Uint8Array = fs.readFileSync(wasmFile)): Promise<string> {
  const target = preparedPathFor(wasmFile);
  writeOutput(target, await preparedBytes(wasmFile, component));
  return target;
}
