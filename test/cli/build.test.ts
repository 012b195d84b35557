// `nylon build`: a TypeScript plugin becomes a component; a type error stops the build with file:line.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot, runNylon } from "../support/nylon-process.js";

test("builds the echo plugin to a component, with progress on stderr", async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nylon-build-")), "echo.wasm");
  const r = await runNylon(["build", "plugins/echo", "-o", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /type-checking/);
  assert.match(r.stderr, /compiling to a WebAssembly component/);
  const bytes = fs.readFileSync(out);
  // A component (not a core module): magic, then layer 1 in the version field.
  assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
  assert.equal(bytes.readUInt16LE(6), 1);
  assert.ok(bytes.length > 500_000 && bytes.length < 4_000_000, `unexpected size ${bytes.length}`);
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
