// The plugin loader asks V8 for extended-const only where the running Node lacks it (Node 20): a
// newer V8 has it on and prints "unrecognized flag" for the flag on every start. CI runs this file
// under Node 20 and Node 24.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { examplePluginWasm } from "../harness/fixture-plugins.js";

test("loading a QuickJS plugin prints nothing about V8 flags and compiles its modules", () => {
  const loader = pathToFileURL(new URL("../../runtime/plugin/component-loader.js", import.meta.url).pathname).href;
  const script = `const { loadComponent } = await import(${JSON.stringify(loader)}); await loadComponent(${JSON.stringify(examplePluginWasm("echo"))}); console.log("loaded");`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "loaded");
  assert.doesNotMatch(run.stderr, /flag/i);
});
