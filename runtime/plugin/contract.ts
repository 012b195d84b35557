import { NylonError } from "../errors.js";
import { CONTRACT_PACKAGE } from "../package-paths.js";
import fs from "node:fs";
import { witDir } from "../package-paths.js";
import path from "node:path";

/** The version of the nylon:plugin package this proxy implements, read from the WIT. */
export const HOST_CONTRACT_VERSION: string = (() => {
  const wit = fs.readFileSync(path.join(witDir, "plugin.wit"), "utf8");
  const m = /^package\s+nylon:plugin@([^;\s]+);/m.exec(wit);
  if (!m) throw new Error("sdk-wit/wit/plugin.wit has no versioned package line");
  return m[1]!;
})();

/**
 * Whether this proxy can run a component built for contract version `guest`: the same major version
 * and no newer minor one. Minor versions only add functions (sdk-wit/README.md, "Versioning"), which
 * an older component simply does not import.
 */
export function contractCompatible(guest: string, host: string = HOST_CONTRACT_VERSION): boolean {
  const g = /^(\d+)\.(\d+)\./.exec(guest);
  const h = /^(\d+)\.(\d+)\./.exec(host);
  if (!g || !h) return guest === host;
  return g[1] === h[1] && Number(g[2]) <= Number(h[2]);
}

/**
 * Refuses a component built for an incompatible contract version, naming both. The component's WIT names the
 * versioned interfaces it imports and exports (`nylon:plugin/host@X`).
 */
export async function checkContract(file: string, component: Uint8Array): Promise<void> {
  let wit: string;
  try {
    // jco is imported only here, on a glue-cache miss: a warm start never loads it.
    const { componentWit } = await import("jco-legacy");
    wit = await componentWit(component);
  } catch (cause) {
    throw new NylonError("NYLON_E_PLUGIN_LOAD", `${file} is not a WebAssembly component: ${(cause as Error).message}`, {
      cause,
    });
  }
  const versions = new Set([...wit.matchAll(/nylon:plugin\/(?:host|guest)@([0-9A-Za-z.+-]+)/g)].map((m) => m[1]!));
  if (versions.size === 0) {
    throw new NylonError(
      "NYLON_E_PLUGIN_CONTRACT",
      `${file} does not implement the ${CONTRACT_PACKAGE} contract (this proxy speaks ${CONTRACT_PACKAGE}@${HOST_CONTRACT_VERSION}); build it with \`nylon build\``,
    );
  }
  for (const v of versions) {
    if (!contractCompatible(v)) {
      throw new NylonError(
        "NYLON_E_PLUGIN_CONTRACT",
        `${file} was built for ${CONTRACT_PACKAGE}@${v}, but this proxy speaks ${CONTRACT_PACKAGE}@${HOST_CONTRACT_VERSION}; rebuild the plugin with this version's \`nylon build\``,
      );
    }
  }
}
