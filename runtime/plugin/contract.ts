import fs from "node:fs";
import path from "node:path";
import { displayFile } from "../config/config-error.js";
import { NylonError } from "../errors.js";
import { CONTRACT_PACKAGE, witDir } from "../package-paths.js";

/** The version of the nylon:plugin package this proxy implements, read from the WIT. */
export const HOST_CONTRACT_VERSION: string = (() => {
  const wit = fs.readFileSync(path.join(witDir, "plugin.wit"), "utf8");
  const m = /^package\s+nylon:plugin@([^;\s]+);/m.exec(wit);
  if (!m) throw new Error("sdk-wit/wit/plugin.wit has no versioned package line");
  return m[1]!;
})();

/**
 * Raised when the contract check (runtime/compile/check-contract.ts) refuses more: a plugin prepared
 * after a laxer check is prepared (and so checked) again.
 */
export const CONTRACT_CHECK_REVISION = 2;

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

/** The refusal for a component built for a contract version (`version`) this proxy cannot run. */
export function contractMismatch(filePath: string, version: string): NylonError {
  return new NylonError(
    "NYLON_E_PLUGIN_CONTRACT",
    `${displayFile(filePath)} was built for ${CONTRACT_PACKAGE}@${version}, but this proxy speaks ${CONTRACT_PACKAGE}@${HOST_CONTRACT_VERSION}; rebuild the plugin with this version's \`nylon build\``,
  );
}
