// What a running proxy loads: only what its configuration uses, and nothing of the plugin toolchain.
// The packages a process asks for are traced by a preload (test/support/module-trace.ts); the same
// trace with a configuration that uses Redis, metrics and an http service shows that it sees them.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { RedisServer } from "../cluster/redis-server.js";
import { examplePluginWasm } from "../harness/fixture-plugins.js";
import { freePort, repoRoot, startNylon } from "../support/nylon-process.js";
import { startNode } from "../workers/node-support.js";

const TRACER = path.join(repoRoot, "dist", "test", "support", "module-trace.js");
/** The plugin toolchain: the type checker, the bundler, the componentizers and the glue generator. */
const TOOLCHAIN = ["typescript", "rolldown", "componentize-qjs", "@bytecodealliance/componentize-js", "@bytecodealliance/jco", "jco-legacy"];

let dir: string;
let redis: RedisServer;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-modules-"));
  redis = await RedisServer.start();
});

after(async () => {
  await redis.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A package the bundled runtime carries in a chunk named after it (rolldown.config.mjs): the name, then
 * rolldown's 8-character hash, so a chunk of nylon's own modules such as `undici-transport-<hash>.js`
 * (which imports undici only when called) is not taken for it.
 */
const PACKAGE_CHUNK = /^\.\/(undici)-[\w-]{8}\.js$/;

/** The packages (not files, not Node's own modules) named in a trace. */
function packagesIn(traceFile: string): Set<string> {
  const builtins = new Set(builtinModules);
  const names = new Set<string>();
  for (const specifier of fs.readFileSync(traceFile, "utf8").split("\n")) {
    const chunk = PACKAGE_CHUNK.exec(specifier);
    if (chunk) names.add(chunk[1]!);
    if (specifier === "" || /^(\.|\/|file:|node:|data:)/.test(specifier)) continue;
    const name = specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
    if (!builtins.has(name)) names.add(name);
  }
  return names;
}

/**
 * Starts nylon traced (with `workers`, until the node serves: the port opens with its first worker),
 * answers one request through its plugin, stops it; returns the packages it asked for.
 */
async function packagesLoadedBy(name: string, configYaml: string, workers = false): Promise<Set<string>> {
  const traceFile = path.join(dir, `${name}.trace`);
  const options = { nodeArgs: ["--import", TRACER], env: { NYLON_MODULE_TRACE: traceFile } };
  const nylon = workers ? await startNode(configYaml, options) : await startNylon(configYaml, options);
  try {
    const response = await fetch(`${nylon.url}/`);
    assert.equal(response.status, 200, nylon.logs());
    assert.equal(response.headers.get("x-content-type-options"), "nosniff", "the plugin ran");
  } finally {
    assert.equal(await nylon.stop(), 0, nylon.logs());
  }
  return packagesIn(traceFile);
}

/**
 * A static route behind one plugin, and a Rust plugin loaded beside it; with `uses`, also a Redis
 * adapter, a metrics listener and an http service; `workers` processes serving it.
 */
function config(uses?: { redisPort: number; metricsPort: number }, workers = 1): string {
  return `
http: ["127.0.0.1:{{PORT}}"]
workers: ${workers}
${uses ? `metrics: ["127.0.0.1:${uses.metricsPort}"]` : ""}
${uses ? `websocket: { adapter_type: redis, redis: { host: 127.0.0.1, port: ${uses.redisPort} } }` : ""}
plugins:
  - { name: headers, type: wasm, file: ${JSON.stringify(examplePluginWasm("security-headers"))} }
  - { name: echo-rust, type: wasm, file: ${JSON.stringify(examplePluginWasm("echo-rust"))} }
services:
  - { name: web, service_type: static, static: { root: "{{ROOT}}/web", index: index.html } }
${uses ? "  - { name: upstream, service_type: http, endpoints: [{ ip: 127.0.0.1, port: 9 }] }" : ""}
middleware_groups:
  secure: [{ plugin: headers, entry: security }]
routes:
  - name: web
    route: { type: host, value: "*" }
    middleware: [{ group: secure }]
    paths:
${uses ? "      - { path: /api, service: { name: upstream } }" : ""}
      - { path: "/{*path}", service: { name: web } }
`;
}

test("nylon run loads neither the toolchain nor what its configuration does not use", async () => {
  const loaded = await packagesLoadedBy("plain", config());
  for (const name of TOOLCHAIN) assert.ok(!loaded.has(name), `nylon run loaded ${name}`);
  assert.ok(!loaded.has("ioredis"), "the Redis client is loaded without adapter_type: redis");
  assert.ok(!loaded.has("prom-client"), "the Prometheus client is loaded without a metrics listener");
  assert.ok(!loaded.has("undici"), "the HTTP client is loaded without an http service");
  assert.ok(!loaded.has("pino-pretty"), "pretty logs are loaded with stderr not a terminal");
});

test("a configuration with Redis, metrics and an http service loads their clients, and still no toolchain", async () => {
  const loaded = await packagesLoadedBy("everything", config({ redisPort: redis.port, metricsPort: await freePort() }));
  for (const name of ["ioredis", "prom-client", "undici"]) assert.ok(loaded.has(name), `${name} was not loaded: ${[...loaded].join(", ")}`);
  for (const name of TOOLCHAIN) assert.ok(!loaded.has(name), `nylon run loaded ${name}`);
});

test("the primary and the workers of a node load no toolchain, and no Redis or Prometheus client their configuration does not use", async () => {
  const loaded = await packagesLoadedBy("workers", config(undefined, 2), true);
  const trace = fs.readFileSync(path.join(dir, "workers.trace"), "utf8");
  assert.match(trace, /worker-process\.js/, "the workers were traced too");
  for (const name of TOOLCHAIN) assert.ok(!loaded.has(name), `a node of workers loaded ${name}`);
  assert.ok(!loaded.has("ioredis"), "the Redis client is loaded without adapter_type: redis");
  assert.ok(!loaded.has("prom-client"), "the Prometheus client is loaded without a metrics listener");
});

test("nylon validate loads the prepared plugins it checks, without the toolchain", async () => {
  const file = path.join(dir, "validate.yaml");
  fs.writeFileSync(file, config().replaceAll("{{PORT}}", String(await freePort())).replaceAll("{{ROOT}}", repoRoot));
  const loaded = await packagesOfProcess("validate", [path.join(repoRoot, "bin", "nylon.js"), "validate", file]);
  for (const name of TOOLCHAIN) assert.ok(!loaded.has(name), `nylon validate loaded ${name}`);
});

/** Imports `specifier` as a user of the package would, in a traced process; returns the packages it asked for. */
function packagesImportedBy(name: string, specifier: string): Promise<Set<string>> {
  const code = `const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) throw new Error("empty module");`;
  return packagesOfProcess(name, ["--input-type=module", "-e", code]);
}

/** Runs node with `args` traced, to a successful exit; returns the packages it asked for. */
async function packagesOfProcess(name: string, args: string[]): Promise<Set<string>> {
  const traceFile = path.join(dir, `${name}.trace`);
  const child = spawn(process.execPath, ["--import", TRACER, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NYLON_MODULE_TRACE: traceFile },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  assert.equal(status, 0, stderr);
  return packagesIn(traceFile);
}

test("importing the package's main entry loads no toolchain; nylon-proxy/build does", async () => {
  const main = await packagesImportedBy("main-entry", "nylon-proxy");
  for (const name of TOOLCHAIN) assert.ok(!main.has(name), `import "nylon-proxy" loaded ${name}`);
  const build = await packagesImportedBy("build-entry", "nylon-proxy/build");
  // The trace does see the toolchain where it is loaded (the bundler and the componentizer only on a build the cache misses).
  for (const name of ["typescript", "jco-legacy"]) assert.ok(build.has(name), `nylon-proxy/build did not load ${name}`);
});
