// What a plugin file is, when it is not a component nylon can load: missing, a directory, empty, source code
// or other text, a core module, or a binary of another kind. Decided from the path and the first bytes, so
// the answer names the mistake (and the command that fixes it) instead of a decoder's byte dump.
import fs from "node:fs";
import path from "node:path";
import { displayFile } from "../config/config-error.js";
import { NylonError } from "../errors.js";
import { ByteReader } from "./sandbox/wasm-bytes.js";

const WASM_MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d]);
/** Version and layer after the magic: 1.0 is a core module, 0x0d/layer 1 a component (component model binary format). */
const CORE_MODULE = Buffer.from([0x01, 0x00, 0x00, 0x00]);
const COMPONENT = Buffer.from([0x0d, 0x00, 0x01, 0x00]);
const SOURCE_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"]);

/** `nylon build <folder>` for the plugin folder holding `file`, when that folder has a plugin source. */
function buildHint(folder: string): string {
  const hasSource = ["plugin.ts", "plugin.js"].some((name) => fs.existsSync(path.join(folder, name)));
  return hasSource ? `: run \`nylon build ${displayFile(folder) || "."}\` and give the .wasm it writes` : "";
}

function looksLikeText(bytes: Uint8Array): boolean {
  return bytes.length > 0 && !bytes.includes(0) && Buffer.from(bytes).toString("utf8").includes("\uFFFD") === false;
}

/** The tools named in a core module's "producers" section (tool conventions): "rustc", "clang", "wit-component". */
function producers(module: WebAssembly.Module): Set<string> {
  const names = new Set<string>();
  for (const section of WebAssembly.Module.customSections(module, "producers")) {
    const reader = new ByteReader(new Uint8Array(section));
    for (let fields = reader.u32(); fields > 0; fields--) {
      reader.name();
      for (let values = reader.u32(); values > 0; values--) {
        names.add(reader.name());
        reader.name(); // the version
      }
    }
  }
  return names;
}

/**
 * Why a core module is not a plugin, saying where it most likely came from: what cargo compiles before
 * `nylon build` wraps it (a Rust cdylib), a module built for WASI, or some other core module.
 */
function coreModuleProblem(shown: string, bytes: Uint8Array): string {
  const notComponent = `${shown} is a core WebAssembly module, not a component`;
  let module: WebAssembly.Module;
  let tools: Set<string>;
  try {
    module = new WebAssembly.Module(bytes);
    tools = producers(module);
  } catch {
    return `${notComponent} (and not a valid one: it is truncated or damaged)`;
  }
  const wasi = WebAssembly.Module.imports(module).some((entry) => entry.module.startsWith("wasi"));
  if (tools.has("rustc") && wasi) {
    return `${notComponent}: rustc built it for WASI (wasm32-wasip1); a Rust plugin is a crate built for wasm32-unknown-unknown, which \`nylon build <crate folder>\` does and then wraps into a component (docs/plugins-rust.md)`;
  }
  if (tools.has("rustc")) {
    return `${notComponent}: it is what cargo compiles from a Rust crate, before \`nylon build <crate folder>\` wraps it into a component; give the .wasm \`nylon build\` writes in the crate's folder (docs/plugins-rust.md)`;
  }
  return `${notComponent}: nylon loads components built against the nylon:plugin contract (\`nylon build\` makes one from TypeScript, Rust or Go; docs/plugins.md)`;
}

/** Why `file` cannot be a plugin component, or null when it starts like one. */
export function pluginFileProblem(file: string, bytes: Uint8Array): string | null {
  const shown = displayFile(file);
  if (bytes.length === 0) return `${shown} is empty (0 bytes)${buildHint(path.dirname(file))}`;
  const head = Buffer.from(bytes.subarray(0, 8));
  if (head.subarray(0, 4).equals(WASM_MAGIC)) {
    const kind = head.subarray(4, 8);
    if (kind.equals(COMPONENT)) return null;
    if (kind.equals(CORE_MODULE)) return coreModuleProblem(shown, bytes);
    return `${shown} is a WebAssembly binary of an unknown version (bytes 4-7: ${kind.toString("hex")}), not a component`;
  }
  const extension = path.extname(file).toLowerCase();
  if (SOURCE_EXTENSIONS.has(extension)) {
    const language = extension.includes("ts") ? "TypeScript" : "JavaScript";
    return `${shown} is ${language} source, not a built plugin${buildHint(path.dirname(file)) || ": build it with `nylon build` and give the .wasm it writes"}`;
  }
  const sample = bytes.subarray(0, 4096);
  if (looksLikeText(sample)) return `${shown} is not a WebAssembly component: it is a text file${buildHint(path.dirname(file))}`;
  return `${shown} is not a WebAssembly component (it does not start with the bytes \\0asm)`;
}

/** Why a path that cannot be read as a file cannot be a plugin. */
function unreadable(file: string, error: NodeJS.ErrnoException): string {
  const shown = displayFile(file);
  if (error.code === "ENOENT") return `${shown} does not exist${buildHint(path.dirname(file))}`;
  if (error.code === "EISDIR") {
    const built = fs.readdirSync(file).filter((name) => name.endsWith(".wasm"));
    const inside = built.length > 0 ? `: give the component inside it (${built.map((name) => displayFile(path.join(file, name))).join(", ")})` : buildHint(file);
    return `${shown} is a directory, not a plugin file${inside}`;
  }
  return `cannot read plugin file ${shown}: ${error.message}`;
}

/**
 * The bytes of a plugin file that starts like a component.
 * @throws NylonError NYLON_E_PLUGIN_LOAD saying what the file is instead
 */
export function readPluginFile(file: string): Buffer {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(file);
    // A device such as /dev/zero would be read for ever.
    if (!stat.isFile() && !stat.isDirectory()) {
      throw new NylonError("NYLON_E_PLUGIN_LOAD", `${displayFile(file)} is not a regular file (a device, pipe or socket)`);
    }
    bytes = fs.readFileSync(file);
  } catch (cause) {
    if (cause instanceof NylonError) throw cause;
    throw new NylonError("NYLON_E_PLUGIN_LOAD", unreadable(file, cause as NodeJS.ErrnoException), { cause });
  }
  const problem = pluginFileProblem(file, bytes);
  if (problem !== null) throw new NylonError("NYLON_E_PLUGIN_LOAD", problem);
  return bytes;
}
