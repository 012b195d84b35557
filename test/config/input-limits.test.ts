// YAML that would crash or hang a reader is refused with a located message: alias bombs, undefined or
// self-referencing aliases, merge keys over non-mappings, deep nesting, devices, directories, oversized
// files, bytes that are not UTF-8, and keys written twice among tens of thousands.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "../../runtime/config/config-error.js";
import { INPUT_LIMITS } from "../../runtime/config/input-limits.js";
import { loadConfig } from "../../runtime/config/load.js";
import { firstInvalidUtf8 } from "../../runtime/config/read-input-file.js";
import { expectIssue, writeFixture } from "./fixtures.js";

const bomb = `a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
`;

async function readError(file: string): Promise<ConfigError> {
  try {
    await loadConfig(file);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String((error as Error).stack)}`);
    return error;
  }
  assert.fail("accepted");
}

describe("YAML input limits", () => {
  it("refuses an alias expansion bomb at the alias that crosses the limit", async () => {
    await expectIssue({ "nylon.yaml": bomb }, { line: 5, path: "e[7]", message: /aliases expand this file by more than 100000 values/ });
  });

  it("refuses an alias to an anchor that does not exist", async () => {
    await expectIssue({ "nylon.yaml": 'http: ["127.0.0.1:8080"]\ntrusted_proxies: [*nope]\n' }, { line: 2, column: 19, path: "trusted_proxies[0]", message: /alias \*nope refers to no anchor/ });
  });

  it("refuses an alias used before its anchor", async () => {
    await expectIssue({ "nylon.yaml": "a: *x\nb: &x 1\n" }, { line: 1, column: 4, path: "a", message: /alias \*x refers to no anchor/ });
  });

  it("refuses an alias inside the value it names", async () => {
    await expectIssue({ "nylon.yaml": "a: &a [1, *a]\n" }, { line: 1, path: "a[1]", message: /inside the value it refers to/ });
  });

  it("refuses a merge key over a scalar or a list of scalars", async () => {
    await expectIssue({ "nylon.yaml": "x: &x 5\nlog:\n  <<: *x\n" }, { line: 3, path: 'log["<<"]', message: /merge key \(<<\) takes a mapping .* got number 5/ });
    await expectIssue({ "nylon.yaml": "log:\n  <<: [1, 2]\n" }, { line: 2, path: 'log["<<"]', message: /got number 1/ });
  });

  it("refuses more aliases than the limit", async () => {
    const lines = ['http: ["127.0.0.1:8080"]', "trusted_proxies:", "  - &ip 10.0.0.1"];
    for (let i = 0; i < INPUT_LIMITS.aliases + 1; i++) lines.push("  - *ip");
    await expectIssue({ "nylon.yaml": `${lines.join("\n")}\n` }, { line: 4 + INPUT_LIMITS.aliases, path: `trusted_proxies[${INPUT_LIMITS.aliases + 1}]`, message: /more than 1000 aliases/ });
  });

  it("refuses 5,000 nested brackets without overflowing the stack", async () => {
    const error = await loadError("http: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
    assert.equal(error.issues.length, 1);
    assert.match(error.message, /nylon\.yaml:1:\d+: collections are nested more than 64 levels deep/);
  });

  it("refuses compact nested lists beyond the limit, and accepts them at it", async () => {
    await expectIssue({ "nylon.yaml": "- ".repeat(INPUT_LIMITS.nesting + 1) + "x\n" }, { line: 1, path: "", message: /nested more than 64 levels/ });
    const error = await loadError("- ".repeat(INPUT_LIMITS.nesting) + "x\n");
    assert.match(error.message, /expected a mapping, got a list/);
  });

  it("refuses /dev/zero by its size instead of reading it for ever", async () => {
    const error = await readError("/dev/zero");
    assert.equal(error.code, "NYLON_E_CONFIG_READ");
    assert.match(error.message, /\/dev\/zero: cannot read the configuration file: it is larger than 1 MiB/);
  });

  it("refuses a file over the size limit", async () => {
    const directory = await writeFixture({ "nylon.yaml": `# ${"x".repeat(INPUT_LIMITS.fileBytes)}\n` });
    const error = await readError(path.join(directory, "nylon.yaml"));
    assert.match(error.message, /larger than 1 MiB/);
  });

  it("names a directory given as the configuration", async () => {
    const directory = await writeFixture({});
    const error = await readError(directory);
    assert.equal(error.code, "NYLON_E_CONFIG_READ");
    assert.match(error.message, /it is a directory, not a file/);
  });

  it("reports bytes that are not UTF-8 at their line and column", async () => {
    const directory = await writeFixture({});
    const file = path.join(directory, "nylon.yaml");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(file, Buffer.concat([Buffer.from('http: ["127.0.0.1:8080"]\nlog: { level: "inf'), Buffer.from([0xe9]), Buffer.from('" }\n')]));
    const error = await readError(file);
    assert.deepEqual(error.issues.map((i) => [i.line, i.column]), [[2, 19]]);
    assert.match(error.message, /byte 0xE9 is not UTF-8/);
  });

  it("finds the first byte that is not UTF-8", () => {
    assert.equal(firstInvalidUtf8(Buffer.from("héllo ✓ 😀")), -1);
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80])), 1); // overlong
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80])), 1); // surrogate
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82])), 2); // truncated
    assert.equal(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0); // above U+10FFFF
  });

  it("finds a key written twice among 50,000 keys", async () => {
    const lines = ['http: ["127.0.0.1:8080"]', "plugins:", "  - name: p", "    type: wasm", "    file: p.wasm", "    config:"];
    for (let i = 0; i < 50_000; i++) lines.push(`      k${i}: ${i}`);
    lines.push("      k17: again");
    await expectIssue({ "nylon.yaml": `${lines.join("\n")}\n` }, { line: lines.length, path: "plugins[0].config.k17", message: /written twice in this mapping \(first at line 24\)/ });
  });

  it("refuses a second YAML document", async () => {
    await expectIssue({ "nylon.yaml": 'http: ["127.0.0.1:8080"]\n---\nlog: {}\n' }, { line: 2, path: "", message: /a second YAML document/ });
  });
});

async function loadError(text: string): Promise<ConfigError> {
  const directory = await writeFixture({ "nylon.yaml": text });
  return readError(path.join(directory, "nylon.yaml"));
}
