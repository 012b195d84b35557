import fs from "node:fs";
import path from "node:path";
import type { CacheInputs, PluginSource } from "./guest-language.js";
import { packageVersion } from "./package-version.js";
import { RUST_TARGET } from "./rust-settings.js";
import { runToolchain } from "./toolchain-process.js";

interface CargoMetadata {
  workspace_root: string;
  packages: { id: string; source: string | null; manifest_path: string }[];
  resolve: { root: string | null; nodes: { id: string; dependencies: string[] }[] };
}

/** What a build writes into a crate's folders, which is not an input. */
const BUILD_OUTPUT = new Set(["target", "node_modules"]);

/**
 * What a Rust plugin's component is made from, as cargo resolves it: every file of the crate and of
 * each path dependency it reaches (the SDK among them; registry crates are pinned by Cargo.lock), the
 * workspace's Cargo.toml (its release profile) and Cargo.lock, cargo configuration files in the
 * folders above; the rustc, cargo and jco versions and RUSTFLAGS.
 */
export async function rustCacheInputs(source: PluginSource): Promise<CacheInputs> {
  const cargo = process.env["CARGO"] ?? "cargo";
  const metadata = JSON.parse(
    await runToolchain({
      command: cargo,
      args: ["metadata", "--format-version", "1", "--manifest-path", source.entry, "--filter-platform", RUST_TARGET, "--color", "never"],
      cwd: source.dir,
      installHint: "install Rust with rustup (https://rustup.rs)",
    }),
  ) as CargoMetadata;
  const files = [
    ...pathPackageDirs(metadata).flatMap((dir) => sourceFilesUnder(dir)),
    path.join(metadata.workspace_root, "Cargo.toml"),
    path.join(metadata.workspace_root, "Cargo.lock"),
    ...cargoConfigFiles(source.dir),
  ];
  const version = async (command: string, args: string[]) => (await runToolchain({ command, args, cwd: source.dir, installHint: "" })).trim();
  return {
    files,
    toolchain: {
      rustc: await version(process.env["RUSTC"] ?? "rustc", ["-vV"]),
      cargo: await version(cargo, ["--version"]),
      jco: packageVersion("@bytecodealliance/jco"),
      RUSTFLAGS: process.env["RUSTFLAGS"] ?? "",
      CARGO_ENCODED_RUSTFLAGS: process.env["CARGO_ENCODED_RUSTFLAGS"] ?? "",
    },
  };
}

/** The folders of the path packages (source null) the plugin's package depends on, itself included. */
function pathPackageDirs(metadata: CargoMetadata): string[] {
  const nodes = new Map(metadata.resolve.nodes.map((n) => [n.id, n.dependencies]));
  const reached = new Set<string>();
  const queue = metadata.resolve.root ? [metadata.resolve.root] : [];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    queue.push(...(nodes.get(id) ?? []));
  }
  return metadata.packages.filter((p) => p.source === null && reached.has(p.id)).map((p) => path.dirname(p.manifest_path));
}

/** A crate's files, but not what builds write into it (target/, the .wasm components), which is not walked. */
function sourceFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory() && !BUILD_OUTPUT.has(entry.name)) files.push(...sourceFilesUnder(at));
    else if (entry.isFile() && !entry.name.endsWith(".wasm")) files.push(at);
  }
  return files;
}

/** .cargo/config(.toml) in the crate's folder and every folder above it: they can change how it builds. */
function cargoConfigFiles(dir: string): string[] {
  const files: string[] = [];
  for (let at = dir; ; at = path.dirname(at)) {
    files.push(path.join(at, ".cargo", "config.toml"), path.join(at, ".cargo", "config"));
    if (path.dirname(at) === at) return files;
  }
}
