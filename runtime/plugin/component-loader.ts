import fs from "node:fs";
import v8 from "node:v8";
import { transpile } from "jco-legacy";
import { NylonError } from "../errors.js";
import { checkContract } from "./contract.js";
import type { GuestExports } from "./guest-exports.js";

// QuickJS core modules use extended-const, which Node 20's V8 has behind a flag (wasm-toolchain-facts P6).
v8.setFlagsFromString("--experimental-wasm-extended-const");

type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, unknown>,
) => Record<string, unknown>;

/** A component compiled once; `instantiate` builds a fresh, isolated instance in milliseconds. */
export interface CompiledComponent {
  file: string;
  bytes: number;
  instantiate(hostImports: object): GuestExports;
}

/**
 * Loads a plugin `.wasm`: checks the contract version, generates the JS glue with jco 1.10.2 (its
 * glue costs a fraction of what jco >= 1.17 generates per import call, wasm-toolchain-facts §3), and
 * compiles every core module once.
 */
export async function loadComponent(file: string): Promise<CompiledComponent> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (cause) {
    throw new NylonError("NYLON_E_PLUGIN_LOAD", `cannot read plugin file ${file}: ${(cause as Error).message}`, {
      cause,
    });
  }
  await checkContract(file, bytes);
  let files: Record<string, Uint8Array>;
  try {
    ({ files } = await transpile(bytes, {
      name: "plugin",
      instantiation: "sync",
      base64Cutoff: 0,
    }));
  } catch (cause) {
    throw new NylonError("NYLON_E_PLUGIN_LOAD", `cannot generate bindings for ${file}: ${(cause as Error).message}`, {
      cause,
    });
  }
  const modules = new Map<string, WebAssembly.Module>();
  for (const [name, content] of Object.entries(files)) {
    if (name.endsWith(".wasm")) modules.set(name, await WebAssembly.compile(content));
  }
  const glue = Buffer.from(files["plugin.js"]!).toString("base64");
  const { instantiate } = (await import(`data:text/javascript;base64,${glue}`)) as { instantiate: Instantiate };
  return {
    file,
    bytes: bytes.length,
    instantiate(hostImports) {
      // The generated glue reads the unversioned key; its typings name the versioned one (pitfall P7).
      const exports = instantiate((name) => modules.get(name)!, {
        "nylon:plugin/host": hostImports,
        "nylon:plugin/host@0.1.0": hostImports,
      });
      return exports["guest"] as GuestExports;
    },
  };
}
