import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { validateCommand } from "../../cli/validate.js";
import { writeFixture } from "./fixtures.js";

/** Runs the command while capturing what it writes to stderr. */
async function runCapturingStderr(configPath: string): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write;
  let stderr = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await validateCommand(configPath), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe("nylon validate", () => {
  it("prints the files read and exits 0 for a valid configuration", async () => {
    const directory = await writeFixture({ "nylon.yaml": 'http: ["127.0.0.1:8080"]\nconfig_dir: conf.d\n', "conf.d/a.yaml": "header_selector: x-a\n" });
    const { code, stderr } = await runCapturingStderr(path.join(directory, "nylon.yaml"));
    assert.equal(code, 0);
    assert.equal(stderr, `configuration OK: ${path.join(directory, "nylon.yaml")}, ${path.join(directory, "conf.d/a.yaml")}\n`);
  });

  it("prints every problem and exits 1 for an invalid configuration", async () => {
    const directory = await writeFixture({ "nylon.yaml": "http: [nope]\nlogg: {}\n" });
    const { code, stderr } = await runCapturingStderr(path.join(directory, "nylon.yaml"));
    assert.equal(code, 1);
    assert.match(stderr, /nylon\.yaml:1:8 http\[0\]: bad listener address/);
    assert.match(stderr, /nylon\.yaml:2:1 logg: unknown key "logg" \(did you mean "log"\?\)/);
  });

  it("exits 1 when the file cannot be read", async () => {
    const directory = await writeFixture({});
    const { code, stderr } = await runCapturingStderr(path.join(directory, "absent.yaml"));
    assert.equal(code, 1);
    assert.match(stderr, /absent\.yaml: cannot read the configuration file/);
  });
});
