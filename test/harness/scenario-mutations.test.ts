// Property test: careless and hostile edits of scenarios (support/yaml-mutations.ts). For each one, the
// loader either accepts it or refuses it with every problem located (file and line or key); nothing it says
// carries a stack, an internal error name or schema-library JSON; it answers within 5 s; a scenario it
// accepts runs to its report without the harness throwing. A sample goes through `nylon test` as a process:
// exit 2 with the same located problems exactly when the loader refused.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ConfigError } from "../../runtime/config/config-error.js";
import { loadScenario } from "../../runtime/harness/scenario.js";
import { runScenario } from "../../runtime/harness/scenario-runner.js";
import { runNylon } from "../support/nylon-process.js";
import { mutate, seededRandom, type ValueCandidates } from "../support/yaml-mutations.js";
import { examplePluginWasm } from "./fixture-plugins.js";

const SEED = 25;
const TIME_LIMIT_MS = 5000;
const INTERNAL = /\b(TypeError|ReferenceError|RangeError|CompileError|LinkError|ZodError)\b|\n\s+at .+:\d+:\d+\)?|"code":\s*"|"expected":|"path":\s*\[|Cannot read properties|is not a function/;

const SEEDS: Record<string, string> = {
  websocket: `name: echo over a WebSocket
limits: { deadline_ms: 50, memory_mb: 64 }
steps:
  - connect: { as: alice, entry: echo, path: /ws, query: { room: a }, headers: { X-User: alice }, client_ip: 192.0.2.7 }
    expect: { accepted: true }
  - connect: { as: bob, entry: echo, path: /ws, node: 2 }
  - send: { as: alice, text: hi }
    expect:
      received: { alice: ["Echo: hi"], bob: [] }
  - send: { as: bob, binary_hex: "00ff" }
    expect: { received: { bob: [{ binary_hex: "00ff" }] } }
  - advance_ms: 1000
  - close: { as: alice, code: 1000, reason: bye }
    expect: { closed: { alice: 1000 } }
`,
  http: `steps:
  - request:
      entry: echo
      method: POST
      path: /orders
      query: { page: 2 }
      headers: { Authorization: Bearer t0ken }
      body: '{"n":1}'
      payload: { realm: api }
      upstream: { status: 201, headers: { X-Up: "1" }, body: created }
    expect:
      outcome: continued
      status: 201
      headers: { x-up: "1" }
      body: created
      failed: null
  - name: plain
    request: { entry: echo }
    expect: { status: 200 }
`,
};

const CANDIDATES: ValueCandidates = {
  byKey: [
    [/^method$/, ['"GE T"', "get", '""', "POST", "PATCH"]],
    [/^status$/, ["0", "999", "-1", '"200"', "204"]],
    [/^code$/, ["5000", "1005", "999", "1000", "4000", "1e3"]],
    [/^client_ip$/, ["not-an-ip", "256.1.1.1", '"::1"', "10.0.0.1"]],
    [/^(as|entry|name|outcome|failed)$/, ['""', "nobody", "ended", "deadline"]],
    [/^path$/, ["nopath", "/ok", '""']],
    [/^(advance_ms|node|deadline_ms|memory_mb|page)$/, ["-1", "1e12", "0.5", "9", "0", "5000"]],
    [/^binary_hex$/, ['"0"', "zz", '"00ff"']],
    [/^(X-User|Authorization|X-Up|x-up)$/, ['"a\\nb"', '"ok"', "[]"]],
  ],
  any: ["[]", "{}", "42", '"text"', "true", "null", "*undefined", "{ <<: 5 }", "&a [*a]"],
};

let directory = "";
const wasm = examplePluginWasm("echo");

before(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-scenario-mutations-"));
});
after(() => fs.rmSync(directory, { recursive: true, force: true }));

function locatedLines(error: ConfigError): string[] {
  // As nylon test prints them, run from the scenarios' folder (formatConfigIssue).
  return error.issues.map((issue) => `${path.basename(issue.file)}:${issue.line}:${issue.column}${issue.path === "" ? "" : ` ${issue.path}`}: ${issue.message}`);
}

describe(`mutated scenarios (seed ${SEED})`, () => {
  const random = seededRandom(SEED);
  const mutants = Object.entries(SEEDS).flatMap(([name, text]) => [
    { id: `${name}-original`, text, description: "unchanged" },
    ...Array.from({ length: 80 }, (_, n) => ({ id: `${name}-${n}`, ...mutate(text, random, CANDIDATES) })),
  ]);
  const sample: { file: string; refused: string[] | null }[] = [];

  it(`${mutants.length} mutants: refused with located problems, or run to a report; nothing internal leaks; within 5 s`, async () => {
    let accepted = 0;
    for (const { id, text, description } of mutants) {
      const label = `${id} (${description})`;
      const file = path.join(directory, `${id}.yaml`);
      fs.writeFileSync(file, text);
      const started = performance.now();
      let refused: string[] | null = null;
      try {
        const scenario = loadScenario(file);
        const outcomes = await runScenario(wasm, scenario);
        accepted++;
        for (const outcome of outcomes) assert.doesNotMatch(outcome.error ?? "", INTERNAL, `${label}: a step's error shows internals: ${outcome.error}`);
      } catch (error) {
        assert.ok(error instanceof ConfigError, `${label}: not a located refusal: ${String((error as Error).stack ?? error)}`);
        assert.doesNotMatch(error.message, INTERNAL, `${label}: internal details in:\n${error.message}`);
        for (const issue of error.issues) assert.ok(issue.line > 0 || issue.path !== "", `${label}: a problem without line or key: ${issue.message}`);
        refused = locatedLines(error);
      }
      const ms = performance.now() - started;
      assert.ok(ms < TIME_LIMIT_MS, `${label}: took ${Math.round(ms)} ms`);
      if (id.endsWith("-original")) assert.equal(refused, null, `${label}: the seed itself must load:\n${refused?.join("\n")}`);
      if (sample.filter((s) => (s.refused === null) === (refused === null)).length < 3) sample.push({ file, refused });
    }
    assert.ok(accepted > 10 && accepted < mutants.length - 30, `a useful mix of outcomes (accepted ${accepted} of ${mutants.length})`);
  });

  it("nylon test agrees on a sample: exit 2 with the same located problems exactly when the loader refused", async () => {
    assert.ok(sample.length >= 4);
    for (const { file, refused } of sample) {
      const r = await runNylon(["test", wasm, file], { cwd: directory });
      assert.doesNotMatch(r.stdout + r.stderr, INTERNAL, `${file}: internal details in:\n${r.stdout}${r.stderr}`);
      if (refused === null) {
        assert.notEqual(r.code, 2, `${file}: accepted in process, refused by nylon test:\n${r.stderr}`);
        continue;
      }
      assert.equal(r.code, 2, r.stderr);
      const printed = r.stderr.split("\n").filter((line) => /^\s+\S+:\d+:\d+[: ]/.test(line)).map((line) => line.trim());
      assert.deepEqual(printed, refused);
    }
  });
});
