import type { BuildLimits } from "./compile-process.js";

/**
 * The target Rust plugins compile for: it imports nothing the crate does not ask for, so the
 * component imports only the contract (a wasm32-wasip2 build imports WASI, which nylon does not give).
 */
export const RUST_TARGET = "wasm32-unknown-unknown";

/**
 * A Rust plugin's first build compiles wit-bindgen and its other dependencies: 1–3 minutes on a busy
 * 2-core machine (later builds reuse cargo's cache and take seconds). The limit still stops a build
 * script or macro that never ends. Memory is cargo's and rustc's, not the build process's.
 */
export const RUST_BUILD_LIMITS: Pick<BuildLimits, "timeLimitMs"> = { timeLimitMs: 900_000 };
