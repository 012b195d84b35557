// `nylon run --watch` on a Go module: an edit to a .go file (in a package of a subfolder too) and an
// edit to go.mod are rebuilt with go and served after a reload.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { GO_BUILD_LIMITS } from "../../runtime/compile/go-toolchain.js";
import { runNylon, type NylonProcess } from "../support/nylon-process.js";
import { eventually, stopAndRemove, tempDir } from "./ops-support.js";
import { answersWith, watchPlugin } from "./watch-support.js";

/** A Go rebuild of one small module takes seconds to a minute on a busy machine. */
const REBUILD_MS = GO_BUILD_LIMITS.timeLimitMs + 60_000;

let dir: string;
let module: string;
let nylon: NylonProcess;

const MAIN = `package main

import (
	"example.com/hello/answer"
	"nylon/sdk"
)

func init() {
	plugin := sdk.NewNylonPlugin()
	plugin.AddPhaseHandler("hello", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			ctx.Response().BodyText(answer.Text)
			ctx.End()
		})
	})
}

func main() {}
`;

function answerPackage(text: string): string {
  return `package answer\n\nconst Text = ${JSON.stringify(text)}\n`;
}

function answers(body: string): Promise<void> {
  return answersWith(nylon, body, REBUILD_MS);
}

function rebuilds(): number {
  return nylon.logs().split("\n").filter((line) => line.includes('"msg":"plugin rebuilt"')).length;
}

before(async () => {
  dir = tempDir();
  module = path.join(dir, "hello");
  fs.mkdirSync(path.join(module, "answer"), { recursive: true });
  fs.writeFileSync(path.join(module, "go.mod"), "module example.com/hello\n\ngo 1.24\n");
  fs.writeFileSync(path.join(module, "main.go"), MAIN);
  fs.writeFileSync(path.join(module, "answer", "answer.go"), answerPackage("v1"));
  const env = { NYLON_CACHE_DIR: path.join(dir, "cache") };
  const build = await runNylon(["build", module], { env, timeoutMs: REBUILD_MS });
  assert.equal(build.code, 0, build.stderr);
  nylon = await watchPlugin(path.join(module, "hello.wasm"), dir, env);
});

after(async () => {
  const code = await stopAndRemove(nylon, dir);
  if (nylon) assert.equal(code, 0, nylon.logs());
});

test("an edit to a .go file, in the module's root or a package's subfolder, is rebuilt and served", async () => {
  await answers("v1");
  fs.writeFileSync(path.join(module, "answer", "answer.go"), answerPackage("v2"));
  await answers("v2");
  fs.writeFileSync(path.join(module, "main.go"), MAIN.replace("answer.Text)", 'answer.Text + "!")'));
  await answers("v2!");
});

test("an edit to go.mod is rebuilt", async () => {
  const before = rebuilds();
  fs.appendFileSync(path.join(module, "go.mod"), "\n// edited\n");
  await eventually(async () => assert.ok(rebuilds() > before, "no rebuild after go.mod changed"), REBUILD_MS);
  await answers("v2!");
});
