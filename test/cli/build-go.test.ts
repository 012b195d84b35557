// `nylon build` of a Go plugin: a folder with only main.go (nylon supplies the module) or with its own
// go.mod becomes a component that imports nothing but the contract; a compile error is Go's own
// file:line message and writes nothing; a missing or old Go is one line.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { componentWit } from "jco-legacy";
import { GO_BUILD_LIMITS } from "../../runtime/compile/go-toolchain.js";
import { HOST_CONTRACT_VERSION } from "../../runtime/plugin/contract.js";
import { loadPlugin } from "../../runtime/harness/index.js";
import { runNylon } from "../support/nylon-process.js";

const GREETER = `package main

import "nylon/sdk"

func init() {
	sdk.NewNylonPlugin().AddPhaseHandler("greet", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			ctx.Response().BodyText(greeting() + " " + ctx.Request().Path())
			ctx.End()
		})
	})
}

func main() {}
`;

/** A build may take as long as nylon allows a Go build (and the build then prepares the component for the proxy). */
const BUILD_TIMEOUT_MS = GO_BUILD_LIMITS.timeLimitMs + 60_000;

/** A plugin folder in a fresh temp dir, with its own empty build cache; `files` maps names to contents. */
function pluginFolder(name: string, files: Record<string, string>): { dir: string; env: Record<string, string> } {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-build-go-"));
  const dir = path.join(temp, name);
  fs.mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return { dir, env: { NYLON_CACHE_DIR: path.join(temp, "cache") } };
}

test("a folder with only .go files builds (nylon supplies go.mod and the SDK), writes nothing else there, and its component imports only the contract", async () => {
  const { dir, env } = pluginFolder("greeter", { "main.go": GREETER, "greeting.go": `package main\n\nfunc greeting() string { return "hello" }\n` });
  const r = await runNylon(["build", dir], { env, timeoutMs: BUILD_TIMEOUT_MS });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /greeter: compiling with go1\.\d+/);
  assert.match(r.stderr, /wrapping into a WebAssembly component/);
  // The component and what the proxy runs it with (the glue and the sandboxed modules), nothing else.
  assert.deepEqual(fs.readdirSync(dir).sort(), ["greeter.wasm", "greeter.wasm.prepared", "greeting.go", "main.go"]);

  const wasm = path.join(dir, "greeter.wasm");
  const wit = await componentWit(fs.readFileSync(wasm));
  const imports = [...wit.matchAll(/^\s*import ([^;]+);/gm)].map((m) => m[1]!.trim());
  assert.ok(imports.includes(`nylon:plugin/host@${HOST_CONTRACT_VERSION}`), `the component's world:\n${wit}`);
  assert.deepEqual(imports.filter((i) => !i.startsWith("nylon:plugin/")), [], "no WASI or other imports");
  assert.match(wit, new RegExp(`export nylon:plugin/guest@${HOST_CONTRACT_VERSION.replaceAll(".", "\\.")};`));

  const harness = await loadPlugin(wasm);
  try {
    const res = harness.request({ entry: "greet", path: "/there" });
    assert.equal(res.status, 200);
    assert.equal(res.text, "hello /there");
  } finally {
    harness.close();
  }
});

test("a folder with its own go.mod builds as that module", async () => {
  const { dir, env } = pluginFolder("moduled", {
    "go.mod": "module example.com/moduled\n\ngo 1.24\n",
    "main.go": GREETER,
    "greeting.go": `package main\n\nimport "strings"\n\nfunc greeting() string { return strings.ToUpper("hi") }\n`,
  });
  const r = await runNylon(["build", dir], { env, timeoutMs: BUILD_TIMEOUT_MS });
  assert.equal(r.code, 0, r.stderr);
  const harness = await loadPlugin(path.join(dir, "moduled.wasm"));
  try {
    assert.equal(harness.request({ entry: "greet", path: "/x" }).text, "HI /x");
  } finally {
    harness.close();
  }
});

test("a Go compile error prints Go's file:line message, exits non-zero and writes no .wasm", async () => {
  const { dir, env } = pluginFolder("broken", { "main.go": GREETER.replace("ctx.End()", "ctx.Ennd()") + "\nfunc greeting() string { return 1 }\n" });
  const r = await runNylon(["build", dir], { env, timeoutMs: BUILD_TIMEOUT_MS });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /go build exited with code 1/);
  assert.match(r.stderr, /broken\/main\.go:9:8: ctx\.Ennd undefined/);
  assert.match(r.stderr, /broken\/main\.go:\d+:\d+: cannot use 1/);
  assert.deepEqual(fs.readdirSync(dir), ["main.go"]);
});

test("a missing Go, or one older than 1.24, is one line saying what is needed", async () => {
  const { dir, env } = pluginFolder("needs-go", { "main.go": GREETER + "\nfunc greeting() string { return \"\" }\n" });
  const missing = await runNylon(["build", dir], { env: { ...env, NYLON_GO: path.join(dir, "no-such-go") } });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Go plugins need Go 1\.24 or newer .*no-such-go` was not found/);

  const oldGo = path.join(path.dirname(dir), "go");
  fs.writeFileSync(oldGo, "#!/bin/sh\necho 'go version go1.22.5 linux/amd64'\n", { mode: 0o755 });
  const old = await runNylon(["build", dir], { env: { ...env, NYLON_GO: oldGo } });
  assert.equal(old.code, 1);
  assert.match(old.stderr, /Go plugins need Go 1\.24 or newer .* is go1\.22\.5/);
  for (const r of [missing, old]) assert.equal(r.stderr.trim().split("\n").filter((l) => /Go 1\.24/.test(l)).length, 1, r.stderr);
  assert.deepEqual(fs.readdirSync(dir), ["main.go"]);
});

test("Go build inputs: a change to a .go file, go.mod or the SDK misses the cache; the built .wasm in the folder does not", async () => {
  const { go } = await import("../../runtime/compile/go.js");
  const { buildCacheKey } = await import("../../runtime/compile/build-cache.js");
  const { dir } = pluginFolder("keyed", { "main.go": GREETER, "greeting.go": `package main\n\nfunc greeting() string { return "a" }\n` });
  const keyNow = async () => {
    const source = go.detect(dir, fs.statSync(dir))!;
    return buildCacheKey(source, await go.cacheInputs(source));
  };
  const first = await keyNow();
  fs.writeFileSync(path.join(dir, "keyed.wasm"), "output");
  assert.equal(await keyNow(), first, "the build's own output is not an input");
  fs.writeFileSync(path.join(dir, "greeting.go"), `package main\n\nfunc greeting() string { return "b" }\n`);
  const afterSource = await keyNow();
  assert.notEqual(afterSource, first);
  fs.writeFileSync(path.join(dir, "go.mod"), "module keyed\n\ngo 1.24\n");
  assert.notEqual(await keyNow(), afterSource, "creating go.mod changes the key");
  const inputs = await go.cacheInputs(go.detect(dir, fs.statSync(dir))!);
  assert.ok(inputs.files.some((f) => f.endsWith(path.join("sdk-wit", "go", "guest.go"))), "the SDK is an input");
  assert.match(inputs.toolchain.go ?? "", /^go1\.\d+/);
});
