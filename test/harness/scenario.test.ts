// nylon test: a passing scenario exits 0; a failing expectation prints the step, a diff, and exits 1;
// an invalid scenario is refused with the path of the problem.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { testCommand } from "../../cli/test-command.js";
import { examplePluginWasm } from "./fixture-plugins.js";

function scenarioFile(yaml: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-scenario-"));
  const file = path.join(dir, "echo.scenario.yaml");
  fs.writeFileSync(file, yaml);
  return file;
}

async function runTest(yaml: string): Promise<{ code: number; report: string }> {
  const out = new PassThrough();
  let report = "";
  out.on("data", (chunk: Buffer) => (report += chunk.toString()));
  const code = await testCommand(examplePluginWasm("echo"), scenarioFile(yaml), out);
  return { code, report };
}

const ECHO_STEPS = `
steps:
  - connect: { as: alice, entry: echo, path: /ws }
    expect: { accepted: true }
  - send: { as: alice, text: hi }
    expect:
      received: { alice: [%FRAME%] }
  - send: { as: alice, binary_hex: "00ff" }
    expect:
      received: { alice: [{ binary_hex: "00ff" }] }
  - request: { entry: echo, path: /, upstream: { status: 200, body: "line one\\nline two" } }
    expect: { outcome: continued, status: 200, body: "%BODY%" }
`;

describe("nylon test <plugin.wasm> <scenario>", () => {
  it("passes a scenario whose expectations hold (exit code 0)", async () => {
    const { code, report } = await runTest(ECHO_STEPS.replace("%FRAME%", '"Echo: hi"').replace("%BODY%", "line one\\nline two"));
    assert.equal(code, 0, report);
    assert.match(report, /4 steps passed/);
  });

  it("reports a failing expectation with a diff and exits non-zero", async () => {
    const { code, report } = await runTest(ECHO_STEPS.replace("%FRAME%", '"Echo: bye"').replace("%BODY%", "line one\\nline 2"));
    assert.equal(code, 1);
    assert.match(report, /✗ 2\. alice sends "hi"/);
    assert.match(report, /received\.alice: expected \["Echo: bye"\], got \["Echo: hi"\]/);
    assert.match(report, /body: \(- expected, \+ actual\)\n\s+ {2}line one\n\s+- line 2\n\s+\+ line two/);
    assert.match(report, /2 of 4 steps failed/);
  });

  it("refuses an invalid scenario, naming where the problem is (exit code 2)", async () => {
    const { code } = await runTest("steps:\n  - send: { as: alice }\n");
    assert.equal(code, 2);
  });
});
