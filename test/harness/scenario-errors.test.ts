// A scenario is read like a configuration: the same input limits, every problem at file:line:column with
// its key path, did-you-mean for misspelt keys, step kinds and client names, and values checked as the
// proxy would check them on the wire (methods, header values, client IPs, close codes, statuses).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "../../runtime/config/config-error.js";
import { loadScenario } from "../../runtime/harness/scenario.js";

function scenarioFile(yaml: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nylon-scenario-")), "s.yaml");
  fs.writeFileSync(file, yaml);
  return file;
}

function refusal(fileOrYaml: string, isFile = false): ConfigError {
  try {
    loadScenario(isFile ? fileOrYaml : scenarioFile(fileOrYaml));
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String((error as Error).stack ?? error)}`);
    return error;
  }
  assert.fail("the scenario was accepted");
}

/** "line:column path: message" of every problem. */
function problems(yaml: string): string[] {
  return refusal(yaml).issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}: ${issue.message}`);
}

describe("scenario errors are located like configuration errors", () => {
  it("values the wire would refuse: a method with a space, a header value with a newline, an IP that is not one", () => {
    assert.deepEqual(problems('steps:\n  - request: { entry: e, method: "GE T", headers: { x-a: "a\\nb" }, client_ip: not-an-ip }\n'), [
      "2:34 steps[0].request.method: expected an HTTP method such as GET (a token: no spaces)",
      "2:58 steps[0].request.headers.x-a: header value contains CR, LF, NUL or other invalid characters",
      "2:79 steps[0].request.client_ip: expected an IP address such as 192.0.2.7 or 2001:db8::1",
    ]);
  });

  it("a close code no client may send, a close reason over 123 bytes, a status outside 100-599", () => {
    const yaml = `steps:
  - connect: { as: a, entry: e }
    expect: { status: 1000 }
  - close: { as: a, code: 5000, reason: "${"x".repeat(124)}" }
`;
    assert.deepEqual(problems(yaml), [
      "3:23 steps[0].expect.status: expected an HTTP status from 100 to 599",
      "4:27 steps[1].close.code: expected a close code a client may send: 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 §7.4)",
      "4:41 steps[1].close.reason: a close reason is at most 123 bytes (RFC 6455 §5.5)",
    ]);
  });

  it("says what is wrong inside a step, not only that the step matches no kind", () => {
    assert.deepEqual(problems("steps:\n  - request: { entry: e, methd: GET }\n  - send: { as: a }\n"), [
      '2:26 steps[0].request.methd: unknown key "methd" (did you mean "method"?)',
      "3:11 steps[1].send: expected { as: <client>, text: ... } or { as: <client>, binary_hex: ... }",
    ]);
  });

  it("a misspelt step kind gets a did-you-mean at its line; two kinds in one step, or none, are named", () => {
    assert.deepEqual(problems("steps:\n  - reqest: { entry: e }\n  - name: nothing\n  - request: { entry: e }\n    send: { as: a, text: x }\n"), [
      '2:5 steps[0]: unknown key "reqest" (did you mean "request"?)',
      "3:5 steps[1]: expected a step with one of: request, connect, send, close, advance_ms",
      "4:5 steps[2]: a step does one thing, this one has request and send: make them separate steps",
    ]);
  });

  it("a client used before any step connected it, with a did-you-mean", () => {
    assert.deepEqual(problems("steps:\n  - connect: { as: alice, entry: e }\n  - send: { as: alce, text: hi }\n    expect: { received: { bob: [] } }\n"), [
      '3:17 steps[1].send.as: client "alce" is not connected by an earlier step (did you mean "alice"?) (connected: alice; connect: { as: alce, ... } first)',
      '4:27 steps[1].expect.received.bob: client "bob" is not connected by an earlier step (connected: alice; connect: { as: bob, ... } first)',
    ]);
  });

  it("a directory, a missing file and YAML bombs are refused without a stack", () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-scenario-"));
    const dir = refusal(directory, true);
    assert.equal(dir.code, "NYLON_E_CONFIG_READ");
    assert.match(dir.message, /cannot read the scenario: it is a directory, not a file/);
    assert.match(refusal(path.join(directory, "absent.yaml"), true).message, /cannot read the scenario: no such file/);
    const aliases = `x: &a [1]\nsteps:\n  - advance_ms: 1\n    name: ${"*a, ".repeat(0)}n\ny: [${Array(1001).fill("*a").join(", ")}]\n`;
    assert.match(refusal(aliases).message, /more than 1000 aliases in one file/);
    assert.match(refusal(`steps: ${"[".repeat(100)}${"]".repeat(100)}\n`).message, /nested more than 64 levels deep/);
    assert.match(refusal("steps:\n  - advance_ms: *undefined\n").message, /s\.yaml:2:17 steps\[0\]\.advance_ms: alias \*undefined refers to no anchor/);
  });

  it("accepts 101 aliases, which used to crash the loader", () => {
    const yaml = `steps:\n  - connect: &c { as: a, entry: e }\n${Array.from({ length: 101 }, () => "  - connect: *c\n").join("")}`;
    assert.equal(loadScenario(scenarioFile(yaml)).steps.length, 102);
  });
});
