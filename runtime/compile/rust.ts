import fs from "node:fs";
import path from "node:path";
import { componentNew } from "@bytecodealliance/jco";
import { NylonError } from "../errors.js";
import type { BuildProgress, GuestLanguage, PluginSource } from "./guest-language.js";
import { rustCacheInputs } from "./rust-inputs.js";
import { RUST_BUILD_LIMITS, RUST_TARGET } from "./rust-settings.js";
import { runToolchain } from "./toolchain-process.js";

const INSTALL_RUST = "install Rust with rustup (https://rustup.rs)";

/**
 * Rust plugins: a crate (a folder with Cargo.toml, `crate-type = ["cdylib"]`) on the SDK in
 * sdk-wit/rust, whose bindings wit-bindgen generates from the contract and embeds in the module.
 * cargo builds it in release mode, with its own incremental cache (the workspace's target folder),
 * and jco's `component new` wraps the module into a component. cargo's messages are the build's errors.
 */
export const rust: GuestLanguage = {
  name: "rust",

  detect(abs: string, stat: fs.Stats): PluginSource | null {
    const manifest = stat.isDirectory() ? path.join(abs, "Cargo.toml") : path.basename(abs) === "Cargo.toml" ? abs : null;
    if (!manifest || !fs.existsSync(manifest)) return null;
    const dir = path.dirname(manifest);
    const name = path.basename(dir);
    return { language: "rust", name, dir, entry: manifest, defaultOutput: path.join(dir, `${name}.wasm`) };
  },

  cacheInputs: rustCacheInputs,

  buildLimits: RUST_BUILD_LIMITS,

  async compile(source, progress) {
    await requireTarget(source);
    progress(`compiling with cargo (release, ${RUST_TARGET})`);
    const core = await cargoBuild(source, progress);
    progress("wrapping into a WebAssembly component");
    try {
      return await componentNew(core);
    } catch (cause) {
      throw new NylonError(
        "NYLON_E_BUILD",
        `componentize failed: ${(cause as Error).message}\n(a Rust plugin exports the contract with nylon_sdk::plugin!(...) and depends on nothing that needs JavaScript or WASI)`,
        { cause },
      );
    }
  },
};

/**
 * The wasm target must be installed for the toolchain this folder uses (a rust-toolchain.toml may
 * pick another); cargo's own error for a missing target ("can't find crate for `core`") does not say
 * what to do.
 */
async function requireTarget(source: PluginSource): Promise<void> {
  const libdir = await runToolchain({
    command: process.env["RUSTC"] ?? "rustc",
    args: ["--print", "target-libdir", "--target", RUST_TARGET],
    cwd: source.dir,
    installHint: INSTALL_RUST,
  });
  if (!fs.existsSync(libdir.trim())) {
    throw new NylonError("NYLON_E_BUILD", `the Rust target ${RUST_TARGET} is not installed for this toolchain; add it with:\n  rustup target add ${RUST_TARGET}`);
  }
}

/** Cargo's progress lines worth showing while a first build compiles dozens of crates. */
const CARGO_PROGRESS = /^\s*(Downloaded|Compiling|Finished)\s/;

/** `cargo build --release` of the crate; returns the cdylib's bytes. */
async function cargoBuild(source: PluginSource, progress: BuildProgress): Promise<Uint8Array> {
  const stdout = await runToolchain({
    command: process.env["CARGO"] ?? "cargo",
    args: ["build", "--release", "--target", RUST_TARGET, "--manifest-path", source.entry, "--message-format=json-render-diagnostics", "--color", "never"],
    cwd: source.dir,
    env: { ...process.env, CARGO_TERM_PROGRESS_WHEN: "never" },
    onStderrLine: (line) => {
      if (CARGO_PROGRESS.test(line)) progress(line.trim());
    },
    installHint: INSTALL_RUST,
  });
  const wasm = builtModule(stdout, fs.realpathSync(source.entry));
  if (!wasm) {
    throw new NylonError("NYLON_E_BUILD", `cargo built no WebAssembly library for ${source.entry}; a plugin crate needs\n  [lib]\n  crate-type = ["cdylib"]`);
  }
  return fs.readFileSync(wasm);
}

/** The .wasm cargo reported for the package of `manifest` (cargo's JSON messages, one per line). */
function builtModule(cargoJson: string, manifest: string): string | undefined {
  let found: string | undefined;
  for (const line of cargoJson.split("\n")) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line) as { reason?: string; manifest_path?: string; filenames?: string[] };
    if (message.reason !== "compiler-artifact" || message.manifest_path !== manifest) continue;
    found = message.filenames?.find((f) => f.endsWith(".wasm")) ?? found;
  }
  return found;
}
