// `nylon build`: a TypeScript plugin becomes a component; a type error stops the build with file:line.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot, runNylon } from "../support/nylon-process.js";

test("builds the echo plugin to a component, with progress on stderr; a second build comes from the cache", async () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-build-"));
  const out = path.join(temp, "echo.wasm");
  // An empty build cache of its own, so this build compiles.
  const env = { NYLON_CACHE_DIR: path.join(temp, "cache") };
  const r = await runNylon(["build", "plugins/echo", "-o", out], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /type-checking/);
  assert.match(r.stderr, /compiling to a WebAssembly component/);
  const bytes = fs.readFileSync(out);
  // A component (not a core module): magic, then layer 1 in the version field.
  assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
  assert.equal(bytes.readUInt16LE(6), 1);
  assert.ok(bytes.length > 500_000 && bytes.length < 4_000_000, `unexpected size ${bytes.length}`);

  const again = path.join(temp, "again.wasm");
  const cached = await runNylon(["build", "plugins/echo", "-o", again], { env });
  assert.equal(cached.code, 0, cached.stderr);
  assert.doesNotMatch(cached.stderr, /type-checking|compiling/);
  assert.match(cached.stderr, /echo up to date/);
  assert.deepEqual(fs.readFileSync(again), bytes);
});

test("a change to the plugin, to a file it imports or to the SDK misses the cache; a change elsewhere in the folder does not", async () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-build-cache-"));
  const { buildCacheKey } = await import("../../runtime/compile/build-cache.js");
  const { typescript } = await import("../../runtime/compile/typescript.js");
  const dir = path.join(temp, "greeter");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "plugin.ts"), `import { NylonPlugin } from "@nylon/sdk";\nimport { greeting } from "./greeting.ts";\nnew NylonPlugin().addPhaseHandler("g", (p) => p.requestFilter((ctx) => { ctx.response().bodyText(greeting); ctx.end(); }));\n`);
  fs.writeFileSync(path.join(dir, "greeting.ts"), `export const greeting = "hello";\n`);
  const keyNow = async () => {
    const source = typescript.detect(dir, fs.statSync(dir))!;
    return buildCacheKey(source, await typescript.cacheInputs(source));
  };
  const first = await keyNow();
  assert.equal(await keyNow(), first, "the same inputs give the same key");
  fs.writeFileSync(path.join(dir, "README.md"), "notes\n");
  assert.equal(await keyNow(), first, "a file the plugin does not import is not an input");
  fs.writeFileSync(path.join(dir, "greeting.ts"), `export const greeting = "hi";\n`);
  const afterImport = await keyNow();
  assert.notEqual(afterImport, first, "an imported file is an input");
  const inputs = await typescript.cacheInputs(typescript.detect(dir, fs.statSync(dir))!);
  assert.ok(inputs.files.some((f) => f.endsWith(path.join("sdk-wit", "ts", "index.ts"))), "the SDK is an input");
  assert.ok(inputs.toolchain.typescript && inputs.toolchain.rolldown && inputs.toolchain["componentize-qjs"], "toolchain versions are inputs");
});

test("a type error prints file:line:col and writes no .wasm", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-build-bad-"));
  fs.writeFileSync(
    path.join(dir, "plugin.ts"),
    `import { NylonPlugin } from "@nylon/sdk";
const plugin = new NylonPlugin();
plugin.addPhaseHandler("bad", (phase) => {
  phase.requestFilter((ctx) => {
    const n: number = ctx.request().path();
    ctx.next(n);
  });
});
`,
  );
  const r = await runNylon(["build", dir], { cwd: repoRoot });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /plugin\.ts:5:11: error TS2322/);
  assert.match(r.stderr, /plugin\.ts:6:14: error TS2554/);
  assert.equal(fs.existsSync(path.join(dir, `${path.basename(dir)}.wasm`)), false);
});

test("a missing plugin source is a clear error", async () => {
  const r = await runNylon(["build", "/nonexistent/plugin"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /\/nonexistent\/plugin: no such file or folder/);
});
