// A plugin that throws is reported where a test reads it, at its source line: a throw in a WebSocket
// callback fails the step with reason `threw` (as a throwing HTTP phase does), `nylon test` fails a
// step whose plugin threw unless the step says it would, and stack frames name plugin.ts, not the bundle.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import { testCommand } from "../../cli/test-command.js";
import { loadPlugin, type PluginHarness } from "../../runtime/harness/index.js";
import { fixtureWasm } from "./fixture-plugins.js";

/** Where test/plugins/throw/plugin.ts throws: `throw new Error(...)` in onMessageText and in the request filter. */
const WS_THROW = /plugin\.ts:12:\d+/;
const HTTP_THROW = /plugin\.ts:9:\d+/;

describe("harness: a plugin that throws", () => {
  let throwing: PluginHarness;
  before(async () => {
    throwing = await loadPlugin(await fixtureWasm("throw"));
  });
  after(() => throwing.close());

  it("a throw in a WebSocket callback fails the step with reason threw, its message and its source line", () => {
    const ws = throwing.connect({ entry: "hostile" });
    assert.ok(ws.accepted);
    const ok = ws.sendText("fine");
    assert.equal(ok.failed, null);
    const report = ws.sendText("misbehave");
    assert.equal(report.failed?.reason, "threw");
    assert.match(report.failed!.message, /hostile plugin throws in onMessageText/);
    assert.match(report.failed!.message, WS_THROW);
    assert.doesNotMatch(report.failed!.message, /componentize-qjs|user\.js/);
    assert.equal(ws.closed?.code, 1011);
    const failure = throwing.failures.find((f) => f.message.includes("onMessageText"));
    assert.equal(failure?.reason, "threw");
  });

  it("a throwing HTTP phase is reported the same way, at its source line", () => {
    const res = throwing.request({ entry: "hostile", query: { misbehave: "1" } });
    assert.equal(res.status, 500);
    assert.equal(res.failed?.reason, "threw");
    assert.match(res.failed!.message, /hostile plugin throws/);
    assert.match(res.failed!.message, HTTP_THROW);
  });
});

describe("nylon test: a step whose plugin threw", () => {
  async function run(steps: string): Promise<{ code: number; report: string }> {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nylon-threw-")), "threw.scenario.yaml");
    fs.writeFileSync(file, `steps:\n${steps}`);
    const out = new PassThrough();
    let report = "";
    out.on("data", (chunk: Buffer) => (report += chunk.toString()));
    const code = await testCommand(await fixtureWasm("throw"), file, out);
    return { code, report };
  }

  it("fails when the step did not say it would, with the reason, the message and the source line", async () => {
    const { code, report } = await run(`  - connect: { as: a, entry: hostile }\n  - send: { as: a, text: misbehave }\n`);
    assert.equal(code, 1, report);
    assert.match(report, /✗ 2\. a sends "misbehave"/);
    assert.match(report, /failed: \(- expected, \+ actual\)\n\s+- null\n\s+\+ threw: Error: hostile plugin throws in onMessageText\n/);
    assert.match(report, WS_THROW);
  });

  it("passes when the step expects it (failed: threw)", async () => {
    const { code, report } = await run(
      `  - connect: { as: a, entry: hostile }\n  - send: { as: a, text: misbehave }\n    expect: { failed: threw, closed: { a: 1011 } }\n`,
    );
    assert.equal(code, 0, report);
  });
});
