import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { NylonError } from "../errors.js";
import { checkContract, HOST_CONTRACT_VERSION } from "./contract.js";

// Generating the glue (jco) costs about a second per component and most of a cold start; its output
// depends only on the component's bytes and the jco version, so it is kept on disk by their hash and a
// restart (or each test process) skips it. Entries are written only after the contract check passed.
// The cache holds code nylon executes, so it lives in the user's own cache folder, never a shared /tmp.

/** The glue generator's version is part of the key: a jco upgrade regenerates every entry. */
const JCO_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.resolve("jco-legacy"))), "..", "package.json"), "utf8"),
).version;
const GLUE_OPTIONS = { name: "plugin", instantiation: "sync", base64Cutoff: 0 } as const;
/** Raised when checkContract refuses more: an entry written after a laxer check must not let a component skip it. */
const CONTRACT_CHECK_REVISION = 2;

function cacheRoot(): string {
  const base = process.env.NYLON_CACHE_DIR ?? process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return path.join(base, "nylon", "glue");
}

function readEntry(dir: string): Record<string, Uint8Array> | null {
  try {
    const names = JSON.parse(fs.readFileSync(path.join(dir, "files.json"), "utf8")) as string[];
    return Object.fromEntries(names.map((name) => [name, fs.readFileSync(path.join(dir, name))]));
  } catch {
    return null;
  }
}

function writeEntry(dir: string, files: Record<string, Uint8Array>): void {
  try {
    fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
    const partial = fs.mkdtempSync(`${dir}.partial-`);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(partial, name), content);
    fs.writeFileSync(path.join(partial, "files.json"), JSON.stringify(Object.keys(files)));
    fs.renameSync(partial, dir);
  } catch {
    // A cache that cannot be written only costs the next start its time.
  }
}

/** The component's core modules and instantiation glue, checked against this proxy's contract. */
export async function transpiledFiles(file: string, bytes: Uint8Array): Promise<Record<string, Uint8Array>> {
  const key = createHash("sha256").update(bytes).update(`\0jco ${JCO_VERSION}\0contract ${HOST_CONTRACT_VERSION}\0check ${CONTRACT_CHECK_REVISION}`).digest("hex");
  const dir = path.join(cacheRoot(), key);
  const cached = readEntry(dir);
  if (cached) return cached;
  await checkContract(file, bytes);
  let files: Record<string, Uint8Array>;
  try {
    // Imported on a cache miss only: loading jco costs a warm start most of its time and memory.
    const { transpile } = await import("jco-legacy");
    const { files: all } = await transpile(bytes, GLUE_OPTIONS);
    // Only the glue and the core modules are needed; the typings are not.
    files = Object.fromEntries(Object.entries(all).filter(([name]) => name === "plugin.js" || /^[\w.-]+\.wasm$/.test(name)));
  } catch (cause) {
    throw new NylonError("NYLON_E_PLUGIN_LOAD", `cannot generate bindings for ${file}: ${(cause as Error).message}`, { cause });
  }
  writeEntry(dir, files);
  return files;
}
