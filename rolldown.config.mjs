// The runtime nylon ships (npm run build: tsc, then this): dist/bundle/, one file per entry plus the
// chunks they share, bundled from tsc's output with the runtime's dependencies inside. A start then
// reads a handful of files instead of about three hundred (docs/benchmarks.md, "Startup and memory at
// rest"). Left outside: the plugin toolchain, imported only by builds (an install may omit it), and
// the Redis and Prometheus clients, which only some configurations load (from node_modules, when
// used). undici, which every configuration with an http service loads at start, is a chunk of its
// own, named so (test/startup/module-loading.test.ts recognises it).
import { defineConfig } from "rolldown";

const TOOLCHAIN = ["typescript", "rolldown", "componentize-qjs", "jco-legacy", /^@bytecodealliance\//];
const LOADED_WHEN_CONFIGURED = ["ioredis", "prom-client"];

export default defineConfig({
  input: {
    nylon: "dist/cli/nylon.js",
    index: "dist/runtime/index.js",
    harness: "dist/runtime/harness/index.js",
    build: "dist/runtime/compile/index.js",
    // Worker threads and child processes start from these files: runtime/plugin/worker/worker-guest.ts,
    // runtime/workers/node-primary.ts, runtime/compile/build-off-thread.ts and compile-process.ts find
    // them beside the chunk that starts them.
    "guest-worker": "dist/runtime/plugin/worker/guest-worker.js",
    "worker-process": "dist/runtime/workers/worker-process.js",
    "build-worker": "dist/runtime/compile/build-worker.js",
    "compile-child": "dist/runtime/compile/compile-child.js",
  },
  platform: "node",
  external: [...TOOLCHAIN, ...LOADED_WHEN_CONFIGURED],
  logLevel: "warn",
  output: {
    dir: "dist/bundle",
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "[name]-[hash].js",
    codeSplitting: { groups: [{ name: "undici", test: /node_modules[\\/]undici[\\/]/ }] },
    sourcemap: true,
    cleanDir: true,
  },
});
