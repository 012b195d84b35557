// Files a careless user could give as a plugin's `file`, each wrong in its own way, for the tests that check
// nylon names what each one is. The WebAssembly ones are made here, with jco's parser and component tools,
// so a test needs no Rust toolchain: a core module carries the "producers" section rustc writes, which is
// what nylon reads to tell cargo's output apart.
import fs from "node:fs";
import path from "node:path";
import { componentEmbed, componentNew, parse } from "jco-legacy";
import { repoRoot } from "./nylon-process.js";

const CONTRACT_WIT = fs.readFileSync(path.join(repoRoot, "sdk-wit/wit/plugin.wit"), "utf8");
const WASI_ENVIRONMENT = "package wasi:cli@0.2.0 { interface environment { get-environment: func() -> list<tuple<string, string>>; } }";

export const WRONG_PLUGIN_FILE_NAMES = [
  "text.wasm",
  "empty.wasm",
  "core.wasm",
  "rust-core.wasm",
  "rust-wasip1.wasm",
  "truncated.wasm",
  "foreign.wasm",
  "wasi-program.wasm",
  "plugin-with-wasi.wasm",
] as const;

/** File name -> content; the name says what it is. */
export async function wrongPluginFiles(): Promise<Record<(typeof WRONG_PLUGIN_FILE_NAMES)[number], string | Uint8Array>> {
  return {
    "text.wasm": "# not a plugin\n",
    "empty.wasm": "",
    "core.wasm": Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
    // What `cargo build --target wasm32-unknown-unknown` writes before `nylon build` wraps it.
    "rust-core.wasm": await parse('(module (@producers (language "Rust" "") (processed-by "rustc" "1.95.0")) (func (export "nylon:plugin/guest@0.1.0#init")))'),
    // A crate built for wasm32-wasip1.
    "rust-wasip1.wasm": await parse(
      '(module (@producers (processed-by "rustc" "1.95.0")) (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))))',
    ),
    "truncated.wasm": fs.readFileSync(path.join(repoRoot, "plugins/echo/echo.wasm")).subarray(0, 40_000),
    "foreign.wasm": await componentNew(await componentEmbed({ witSource: "package test:other; world other { export run: func(); }", dummy: true, world: "other" }), []),
    // A Rust binary built for wasm32-wasip2: a program, not a plugin.
    "wasi-program.wasm": await componentNew(
      await componentEmbed({
        witSource: "package wasi:cli@0.2.0; interface run { run: func() -> result; } interface environment { get-environment: func() -> list<tuple<string, string>>; } world command { import environment; export run; }",
        dummy: true,
        world: "command",
      }),
      [],
    ),
    // A plugin crate built for wasm32-wasip2: the contract, and WASI beside it.
    "plugin-with-wasi.wasm": await componentNew(
      await componentEmbed({
        witSource: `${CONTRACT_WIT}\nworld plugin-with-wasi { include plugin; import wasi:cli/environment@0.2.0; }\n${WASI_ENVIRONMENT}\n`,
        dummy: true,
        world: "plugin-with-wasi",
      }),
      [],
    ),
  };
}
