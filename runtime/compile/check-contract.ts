import { componentWit } from "jco-legacy";
import { displayFile } from "../config/config-error.js";
import { NylonError } from "../errors.js";
import { CONTRACT_PACKAGE } from "../package-paths.js";
import { contractCompatible, contractMismatch, HOST_CONTRACT_VERSION } from "../plugin/contract.js";

/** What a component's WIT (its world) imports or exports: "wasi:cli/run@0.2.0", "nylon:plugin/host@0.1.0", "run". */
function worldItems(wit: string, direction: "import" | "export"): string[] {
  return [...wit.matchAll(new RegExp(`^\\s*${direction}\\s+([^:;\\s]+(?::[^;\\s(]+)?)`, "gm"))].map((m) => m[1]!.replace(/:$/, ""));
}

/** "exports run, wasi:cli/run@0.2.0; imports nothing", to say what a foreign component is. */
function worldSummary(wit: string): string {
  const list = (names: string[]) => (names.length === 0 ? "nothing" : names.join(", "));
  return `exports ${list(worldItems(wit, "export"))}; imports ${list(worldItems(wit, "import"))}`;
}

/** What a component that exports wasi:cli/run is: a program, where a plugin is a library of callbacks. */
function programHint(wit: string): string {
  return worldItems(wit, "export").some((name) => name.startsWith("wasi:cli/run@"))
    ? ", a WASI program with a main function (such as a Rust binary built for wasm32-wasip2), not a plugin"
    : "";
}

/** The decoder's reason without its byte dump: "unexpected end-of-file (at offset 0x33d6)". */
function decodeReason(error: unknown): string {
  const lines = String((error as Error)?.message ?? error).split("\n").map((line) => line.trim());
  const reason = lines.find((line) => line !== "" && !/^failed to decode/i.test(line)) ?? lines[0] ?? "";
  return reason.replace(/\s*-\s*expected=.*$/, "");
}

/**
 * Refuses a component built for another contract version, naming both, and a component of another world,
 * saying what it has instead. The component's WIT names the versioned interfaces it imports and exports
 * (`nylon:plugin/host@X`). Resolves to the newest contract version it names, which a prepared file
 * records (bump CONTRACT_CHECK_REVISION when this refuses more).
 */
export async function checkContract(filePath: string, component: Uint8Array): Promise<string> {
  const file = displayFile(filePath);
  let wit: string;
  try {
    wit = await componentWit(component);
  } catch (cause) {
    throw new NylonError("NYLON_E_PLUGIN_LOAD", `${file} is a truncated or damaged WebAssembly component: ${decodeReason(cause)}`, { cause });
  }
  const versions = [...new Set([...wit.matchAll(/nylon:plugin\/(?:host|guest)@([0-9A-Za-z.+-]+)/g)].map((m) => m[1]!))];
  if (versions.length === 0) {
    throw new NylonError(
      "NYLON_E_PLUGIN_CONTRACT",
      `${file} is a component of another world (it ${worldSummary(wit)})${programHint(wit)}: a nylon plugin exports ${CONTRACT_PACKAGE}/guest@${HOST_CONTRACT_VERSION} and imports ${CONTRACT_PACKAGE}/host@${HOST_CONTRACT_VERSION}; build it with \`nylon build\``,
    );
  }
  for (const v of versions) if (!contractCompatible(v)) throw contractMismatch(filePath, v);
  // The host gives a plugin nylon:plugin/host and nothing else: a WASI import (a Rust crate built for
  // wasm32-wasip2, or one whose std reaches for files, the clock or the environment) would otherwise fail
  // when the glue looks it up, with a JavaScript destructuring error.
  const foreign = worldItems(wit, "import").filter((name) => !name.startsWith(`${CONTRACT_PACKAGE}/`));
  if (foreign.length > 0) {
    const wasi = foreign.some((name) => name.startsWith("wasi:"))
      ? "; plugins get no WASI: build a Rust plugin for wasm32-unknown-unknown, not wasm32-wasip1 or wasip2 (`nylon build` on its crate does)"
      : "";
    throw new NylonError(
      "NYLON_E_PLUGIN_CONTRACT",
      `${file} imports what nylon does not provide (${foreign.join(", ")}): a plugin imports only ${CONTRACT_PACKAGE}/host@${HOST_CONTRACT_VERSION}${wasi}`,
    );
  }
  return versions.sort((a, b) => a.localeCompare(b, "en", { numeric: true })).at(-1)!;
}
