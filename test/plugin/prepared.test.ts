// A plugin's prepared form (runtime/plugin/prepared-plugin.ts): written beside the .wasm by the build,
// used only for the build it was made from, rewritten when another instrumentation is asked for, and
// refused with a clear error where no toolchain can make it, whatever the guest language. Compiled
// core modules are shared.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { loadComponent } from "../../runtime/plugin/component-loader.js";
import { decodePrepared, preparedPathFor } from "../../runtime/plugin/prepared-plugin.js";
import { componentHash, readCached } from "../../runtime/plugin/prepared-store.js";
import { DEFAULT_INSTRUMENTATION, instrumentModule } from "../../runtime/plugin/sandbox/instrumentation.js";
import { fixtureWasm } from "../harness/fixture-plugins.js";
import { freePort, nylonBin, repoRoot } from "../support/nylon-process.js";

let dir: string;
let healthy: string;
let throwing: string;

/** A copy of a built plugin in the test's folder, with or without its prepared file. */
function copyPlugin(wasm: string, name: string, withPrepared: boolean): string {
  const copy = path.join(dir, `${name}.wasm`);
  fs.copyFileSync(wasm, copy);
  if (withPrepared) fs.copyFileSync(preparedPathFor(wasm), preparedPathFor(copy));
  return copy;
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-prepared-"));
  // Every load here that misses the prepared file beside the .wasm prepares into this cache, not the user's.
  process.env.NYLON_CACHE_DIR = path.join(dir, "cache");
  healthy = await fixtureWasm("healthy");
  throwing = await fixtureWasm("throw");
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a build writes the prepared file beside its .wasm, made from that very component", async () => {
  const component = fs.readFileSync(healthy);
  const prepared = decodePrepared(fs.readFileSync(preparedPathFor(healthy)), component);
  assert.equal(prepared.component, componentHash(component));
  assert.match(prepared.glue, /export function instantiate\(/);
  assert.ok(prepared.modules.length > 1);
  for (const m of prepared.modules) assert.deepEqual(m.instrumented, instrumentModule(m.original, prepared.instrumentation), m.name);
  const loaded = await loadComponent(healthy);
  assert.equal(loaded.split.source, "beside");
});

for (const [language, fixture] of [
  ["Rust", "timers-rust"],
  ["Go", "go-facilities"],
] as const) {
  test(`a ${language} plugin's build writes its prepared file too, and it loads from there`, async () => {
    const wasm = await fixtureWasm(fixture);
    const component = fs.readFileSync(wasm);
    const prepared = decodePrepared(fs.readFileSync(preparedPathFor(wasm)), component);
    assert.equal(prepared.component, componentHash(component));
    assert.match(prepared.glue, /export function instantiate\(/);
    for (const m of prepared.modules) assert.deepEqual(m.instrumented, instrumentModule(m.original, prepared.instrumentation), m.name);
    assert.equal((await loadComponent(wasm)).split.source, "beside");
  });
}

test("two plugins built from different sources share the compiled QuickJS engine module", async () => {
  const a = await loadComponent(healthy);
  const b = await loadComponent(throwing);
  const shared = [...a.parts.modules].filter(([name, module]) => b.parts.modules.get(name) === module);
  const own = [...a.parts.modules].filter(([name, module]) => b.parts.modules.get(name) !== module);
  assert.ok(own.length > 0, "each plugin has a module of its own (its JavaScript)");
  const sizes = decodePrepared(fs.readFileSync(preparedPathFor(healthy)), fs.readFileSync(healthy)).modules;
  const engine = sizes.reduce((largest, m) => (m.instrumented.length > largest.instrumented.length ? m : largest));
  assert.ok(engine.instrumented.length > 1_000_000, "the engine is the largest module");
  assert.ok(
    shared.some(([name]) => name === engine.name),
    `the engine module ${engine.name} is compiled once: shared ${shared.map(([n]) => n).join(", ")}`,
  );
});

test("a prepared file from another build is not used: the plugin is prepared again", async () => {
  const copy = copyPlugin(throwing, "stale", false);
  fs.copyFileSync(preparedPathFor(healthy), preparedPathFor(copy));
  const loaded = await loadComponent(copy);
  assert.equal(loaded.split.source, "generated");
  assert.ok(readCached(fs.readFileSync(copy), componentHash(fs.readFileSync(copy)), DEFAULT_INSTRUMENTATION), "prepared into the cache");
  assert.equal((await loadComponent(copy)).split.source, "cache");
});

test("another instrumentation is made from the prepared file's original modules, without the toolchain", async () => {
  const copy = copyPlugin(healthy, "calibrated", true);
  const instrumentation = { ...DEFAULT_INSTRUMENTATION, initialFuel: 12_345 };
  const loaded = await loadComponent(copy, { memoryMb: 64, instrumentation });
  assert.equal(loaded.split.source, "beside");
  const component = fs.readFileSync(copy);
  const cached = readCached(component, componentHash(component), instrumentation);
  assert.ok(cached, "the rewritten modules are kept in the cache");
  assert.deepEqual(cached.instrumentation, instrumentation);
  for (const m of cached.modules) assert.deepEqual(m.instrumented, instrumentModule(m.original, instrumentation), m.name);
  assert.equal((await loadComponent(copy, { memoryMb: 64, instrumentation })).split.source, "cache");
});

/** Runs the nylon CLI as an install without the toolchain would; resolves to its exit code and stderr. */
async function nylonWithoutToolchain(args: string[]): Promise<{ code: number | null; stderr: string }> {
  // The hook answers "not found" for the toolchain's packages, as in an install without them.
  const hook = path.join(repoRoot, "dist", "test", "support", "without-toolchain.js");
  const child = spawn(process.execPath, ["--import", hook, nylonBin, ...args], {
    env: { ...process.env, NYLON_CACHE_DIR: path.join(dir, "empty-cache") },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, stderr };
}

test("without the toolchain, an unprepared plugin stops nylon run with what to do", async () => {
  const copy = copyPlugin(healthy, "unprepared", false);
  const configFile = path.join(dir, "unprepared.yaml");
  fs.writeFileSync(configFile, `http: ["127.0.0.1:${await freePort()}"]\nplugins:\n  - { name: p, type: wasm, file: ${JSON.stringify(copy)} }\n`);
  const { code, stderr } = await nylonWithoutToolchain(["run", "--config", configFile]);
  assert.equal(code, 1, stderr);
  assert.match(stderr, /unprepared\.wasm is not prepared: there is no .*unprepared\.wasm\.prepared beside it/);
  assert.match(stderr, /this install has no plugin toolchain/);
  assert.match(stderr, /nylon prepare/);
});

test("without the toolchain, nylon build says what to install", async () => {
  const { code, stderr } = await nylonWithoutToolchain(["build", path.join(repoRoot, "test", "plugins", "healthy"), "-o", path.join(dir, "b.wasm")]);
  assert.equal(code, 1, stderr);
  assert.match(stderr, /nylon build needs the plugin toolchain, which this install left out \(.+ is missing\): install nylon with its optional dependencies/);
  assert.ok(!fs.existsSync(path.join(dir, "b.wasm")));
});
