import { createHash } from "node:crypto";
import { HOST_CONTRACT_VERSION } from "./contract.js";
import type { GuestExports } from "./guest-exports.js";
import { InstanceMeter } from "./sandbox/instance-meter.js";

export type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, unknown>,
  instantiateCore: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => WebAssembly.Instance,
) => Record<string, unknown>;

/** One instance of a plugin and the sandbox's handles on it (fuel, memory). */
export interface ComponentInstance {
  guest: GuestExports;
  meter: InstanceMeter;
}

/** The sandboxed, compiled core modules and the glue's source: cloneable to a worker thread. */
export interface ComponentParts {
  modules: Map<string, WebAssembly.Module>;
  glueSource: string;
}

const glues = new Map<string, Promise<Instantiate>>();

/**
 * The glue's `instantiate` function, imported from its source once per thread for each distinct glue
 * (plugins of one guest language and toolchain share theirs). The glue keeps no state outside the
 * instances it builds.
 */
export function importGlue(glueSource: string): Promise<Instantiate> {
  const key = createHash("sha256").update(glueSource).digest("hex");
  let glue = glues.get(key);
  if (!glue) {
    const url = `data:text/javascript;base64,${Buffer.from(glueSource).toString("base64")}`;
    glue = (import(url) as Promise<{ instantiate: Instantiate }>).then((m) => m.instantiate);
    glues.set(key, glue);
  }
  return glue;
}

/** One fresh instance from the compiled modules, with the sandbox's meter recording each core instance. */
export function instantiateParts(instantiate: Instantiate, modules: Map<string, WebAssembly.Module>, hostImports: object): ComponentInstance {
  const meter = new InstanceMeter();
  // The generated glue reads the unversioned key; its typings name the versioned one (pitfall P7).
  const exports = instantiate(
    (name) => modules.get(name)!,
    { "nylon:plugin/host": hostImports, [`nylon:plugin/host@${HOST_CONTRACT_VERSION}`]: hostImports },
    (module, imports) => {
      const instance = new WebAssembly.Instance(module, imports);
      meter.record(instance);
      return instance;
    },
  );
  return { guest: exports["guest"] as GuestExports, meter };
}
