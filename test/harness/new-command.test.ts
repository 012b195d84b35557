// nylon new plugin demo: the scaffold builds, and its scenario and harness test pass as generated.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { packageRoot } from "../../runtime/package-paths.js";

const NYLON = path.join(packageRoot, "bin", "nylon.js");

/** The child's own `node --test` must report as a top-level run, not to this test runner. */
const { NODE_TEST_CONTEXT: _, ...childEnv } = process.env;

function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 900_000, env: { ...childEnv, ...env } });
  assert.equal(result.status, 0, `${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** What each language's scaffold holds beside the scenario, the harness test and package.json, and what its build needs. */
const LANGUAGES = [
  { lang: "typescript", sources: ["plugin.ts", "tsconfig.json"], buildEnv: {} },
  {
    lang: "rust",
    sources: ["Cargo.toml", "src/lib.rs"],
    // cargo's cache of this repository: the new crate's dependencies are compiled already (with the
    // same release profile), so the test does not compile wit-bindgen again.
    buildEnv: { CARGO_TARGET_DIR: path.join(packageRoot, "target") },
  },
  // No go.mod: nylon supplies the module and the SDK.
  { lang: "go", sources: ["main.go"], buildEnv: {} },
];

describe("nylon new plugin", () => {
  for (const { lang, sources, buildEnv } of LANGUAGES)
  it(`scaffolds a ${lang} plugin that builds and passes its own tests`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-new-"));
    run(dir, process.execPath, [NYLON, "new", "plugin", "demo", "--lang", lang]);
    const demo = path.join(dir, "demo");
    for (const file of [...sources, "README.md", "package.json", "demo.scenario.yaml", "test/demo.test.js"]) {
      assert.ok(fs.existsSync(path.join(demo, file)), file);
    }
    // package.json installs the nylon that created the folder (a link: no download).
    assert.equal(JSON.parse(fs.readFileSync(path.join(demo, "package.json"), "utf8")).devDependencies["nylon-proxy"], `file:${packageRoot}`);
    run(demo, "npm", ["install", "--offline", "--no-audit", "--no-fund"]);
    // A build cache of its own, so the scaffold is compiled, not found built.
    run(demo, "npm", ["run", "build"], { ...buildEnv, NYLON_CACHE_DIR: path.join(dir, "cache") });
    assert.match(run(demo, "npm", ["test"]), /# fail 0/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a bad name, an unknown language (naming the languages) and an existing folder", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-new-"));
    assert.equal(spawnSync(process.execPath, [NYLON, "new", "plugin", "Bad Name"], { cwd: dir }).status, 2);
    const cobol = spawnSync(process.execPath, [NYLON, "new", "plugin", "fine", "--lang", "cobol"], { cwd: dir, encoding: "utf8" });
    assert.equal(cobol.status, 2);
    assert.match(cobol.stderr, /--lang cobol is not one of go, rust, typescript/);
    fs.mkdirSync(path.join(dir, "taken"));
    fs.writeFileSync(path.join(dir, "taken", "x"), "");
    assert.equal(spawnSync(process.execPath, [NYLON, "new", "plugin", "taken"], { cwd: dir }).status, 1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
