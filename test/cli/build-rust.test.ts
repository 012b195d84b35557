// `nylon build` of a Rust plugin (a folder with Cargo.toml): cargo compiles it for wasm32-unknown-unknown,
// jco makes it a component that imports only the contract; cargo's own errors, its incremental cache
// and a missing target's fix reach the user.
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot, runNylon } from "../support/nylon-process.js";

/**
 * cargo's cache of this repository (its workspace builds the SDK's dependencies with the release
 * profile the scaffold uses too): a crate made for a test compiles only itself.
 */
const SHARED_TARGET = { CARGO_TARGET_DIR: path.join(repoRoot, "target") };

/**
 * A new Rust plugin crate from the scaffold, in a temporary folder, with a build cache of its own; its
 * node_modules/nylon-proxy (where Cargo.toml takes the SDK from) links this checkout, as `npm install` would.
 */
async function scaffold(name: string): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-build-rust-"));
  const made = await runNylon(["new", "plugin", name, "--lang", "rust", "--dir", parent]);
  assert.equal(made.code, 0, made.stderr);
  const dir = path.join(parent, name);
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(repoRoot, path.join(dir, "node_modules", "nylon-proxy"), "dir");
  return { dir, env: { ...SHARED_TARGET, NYLON_CACHE_DIR: path.join(parent, "cache") } };
}

/** A toolchain rustup has without the wasm target, if there is one. */
function toolchainWithoutWasmTarget(): string | undefined {
  try {
    const toolchains = execFileSync("rustup", ["toolchain", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0]!).filter(Boolean);
    return toolchains.find(
      (t) => !execFileSync("rustup", ["target", "list", "--installed", "--toolchain", t], { encoding: "utf8" }).includes("wasm32-unknown-unknown"),
    );
  } catch {
    return undefined;
  }
}

describe("nylon build, Rust", () => {
  it("builds the Rust echo to a component importing only the contract; a second build comes from the cache", async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-build-rust-"));
    const out = path.join(temp, "echo-rust.wasm");
    const env = { NYLON_CACHE_DIR: path.join(temp, "cache") };
    const r = await runNylon(["build", "plugins/echo-rust", "-o", out], { env, timeoutMs: 900_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /compiling with cargo \(release, wasm32-unknown-unknown\)/);
    assert.match(r.stderr, /wrapping into a WebAssembly component/);
    const bytes = fs.readFileSync(out);
    // A component (not a core module): magic, then layer 1 in the version field.
    assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
    assert.equal(bytes.readUInt16LE(6), 1);
    const { componentWit } = await import("jco-legacy");
    const imports = [...(await componentWit(bytes)).matchAll(/^\s*import ([^;]+);/gm)].map((m) => m[1]);
    const { HOST_CONTRACT_VERSION: v } = await import("../../runtime/plugin/contract.js");
    assert.deepEqual(imports.sort(), [`nylon:plugin/host@${v}`, `nylon:plugin/types@${v}`], "no WASI, nothing but the contract");

    const cached = await runNylon(["build", "plugins/echo-rust", "-o", path.join(temp, "again.wasm")], { env });
    assert.equal(cached.code, 0, cached.stderr);
    assert.doesNotMatch(cached.stderr, /compiling with cargo/);
    assert.match(cached.stderr, /echo-rust up to date/);
  });

  it("a compile error is cargo's own message with file:line:col; no .wasm; an edit recompiles only the plugin's crate", async () => {
    const { dir, env } = await scaffold("broken");
    const lib = path.join(dir, "src", "lib.rs");
    const good = fs.readFileSync(lib, "utf8");
    fs.writeFileSync(lib, good.replace('ws.send_text("hello from broken")', "ws.send_text(greeting_that_does_not_exist)"));
    const failed = await runNylon(["build", dir], { env, timeoutMs: 900_000 });
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /error\[E0425\]: cannot find value `greeting_that_does_not_exist`/);
    assert.match(failed.stderr, /src\/lib\.rs:\d+:\d+/);
    assert.equal(fs.existsSync(path.join(dir, "broken.wasm")), false);

    fs.writeFileSync(lib, good);
    const fixed = await runNylon(["build", dir], { env, timeoutMs: 900_000 });
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.ok(fs.existsSync(path.join(dir, "broken.wasm")));
    // cargo's incremental cache: the dependencies (the SDK, wit-bindgen) were not compiled again.
    assert.match(fixed.stderr, /Compiling broken v0\.1\.0/);
    assert.doesNotMatch(fixed.stderr, /Compiling (nylon-sdk|wit-bindgen)/);
  });

  it("a missing wasm target says which rustup command adds it", async (t) => {
    const toolchain = toolchainWithoutWasmTarget();
    if (!toolchain) return t.skip("every installed Rust toolchain has the wasm32-unknown-unknown target");
    const { dir, env } = await scaffold("no-target");
    const r = await runNylon(["build", dir], { env: { ...env, RUSTUP_TOOLCHAIN: toolchain } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /the Rust target wasm32-unknown-unknown is not installed for this toolchain; add it with:\n\s*rustup target add wasm32-unknown-unknown/);
  });

  it("the cache key follows the crate, its path dependencies (the SDK) and Cargo.lock, not build output", async () => {
    const { buildCacheKey } = await import("../../runtime/compile/build-cache.js");
    const { rust } = await import("../../runtime/compile/rust.js");
    const { dir } = await scaffold("keyed");
    const keyNow = async () => {
      const source = rust.detect(dir, fs.statSync(dir))!;
      return buildCacheKey(source, await rust.cacheInputs(source));
    };
    const first = await keyNow();
    assert.equal(await keyNow(), first, "the same inputs give the same key");
    fs.mkdirSync(path.join(dir, "target", "release"), { recursive: true });
    fs.writeFileSync(path.join(dir, "target", "release", "junk"), "x");
    fs.writeFileSync(path.join(dir, "keyed.wasm"), "not an input");
    assert.equal(await keyNow(), first, "build output is not an input");
    fs.appendFileSync(path.join(dir, "src", "lib.rs"), "\n// an edit\n");
    assert.notEqual(await keyNow(), first, "the crate's sources are inputs");
    const inputs = await rust.cacheInputs(rust.detect(dir, fs.statSync(dir))!);
    assert.ok(inputs.files.some((f) => f.endsWith(path.join("sdk-wit", "rust", "src", "lib.rs"))), "the SDK (a path dependency) is an input");
    assert.ok(inputs.files.some((f) => f === path.join(dir, "Cargo.lock")), "Cargo.lock is an input");
    assert.match(inputs.toolchain["rustc"]!, /^rustc \d+\.\d+\.\d+/);
  });
});
