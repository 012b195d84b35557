// `nylon build` on broken plugin folders: every one ends within the build's limits with one clear
// message that says what is wrong and where (plugin.ts:line), never a stack trace of nylon's own, an
// internal error name, or a hang.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import { repoRoot, runNylon } from "../support/nylon-process.js";

/**
 * The limits the runaway builds get: small, so the test is quick (the defaults are 60 s and 1024 MB).
 * The other broken plugins fail on their own, with room for a busy machine.
 */
const TIME_LIMIT_S = 30;
const MEMORY_LIMIT_MB = 400;
const GENEROUS = ["--time-limit", "300"];
/** Starting node, loading the toolchain and reporting, on a busy machine. */
const OVERHEAD_MS = 30_000;

const root = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-broken-"));
const cache = path.join(root, "cache");

function plugin(name: string, source: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "plugin.ts"), `import { NylonPlugin } from "@nylon/sdk";\nconst plugin = new NylonPlugin();\n${source}\n`);
  return dir;
}

const HANDLER = `(phase) => phase.requestFilter((ctx) => ctx.next())`;

async function build(args: string[], limits = GENEROUS): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  const r = await runNylon(["build", ...args, ...limits], { env: { NYLON_CACHE_DIR: cache }, timeoutMs: 600_000 });
  return { code: r.code, stderr: r.stdout + r.stderr, ms: Date.now() - started };
}

/** What no broken build may print: a stack of nylon's own code, or the name of an internal error. */
function assertClean(stderr: string): void {
  assert.doesNotMatch(stderr, /\bat .*\((?:file:|node:|\/).*\.[cm]?js:\d+:\d+\)/, "a stack trace of nylon's code");
  assert.doesNotMatch(stderr, /\b(TypeError|ReferenceError|RangeError|CompileError|SyntaxError|InternalError)\b/, "an internal error name");
  assert.doesNotMatch(stderr, /componentize-qjs|user\.js|internal error/);
}

describe("nylon build on runaway plugins", () => {
  let loop: { code: number | null; stderr: string; ms: number };
  let alloc: { code: number | null; stderr: string; ms: number };
  before(async () => {
    // The loop among the folders `--all` builds, beside one that fails at once: --all used to hang on it for ever.
    const folders = path.join(root, "runaway");
    fs.mkdirSync(folders);
    fs.renameSync(plugin("loop", "for (;;) {}"), path.join(folders, "loop"));
    fs.mkdirSync(path.join(folders, "broken"));
    fs.writeFileSync(path.join(folders, "broken", "Cargo.toml"), "not toml\n");
    // 64 MB blocks filled by a native memset: the limit is passed within a few steps even on a starved CPU.
    const big = plugin("alloc", "const big: Uint8Array[] = [];\nfor (let i = 0; i < 60; i++) big.push(new Uint8Array(64 << 20).fill(1));");
    [loop, alloc] = await Promise.all([
      build([folders, "--all"], ["--time-limit", String(TIME_LIMIT_S)]),
      // A time limit that only a hang could reach, so that on a busy machine the memory limit is what stops it.
      build([big], ["--time-limit", "600", "--memory-limit", String(MEMORY_LIMIT_MB)]),
    ]);
  });

  it("a top-level loop that never ends stops `nylon build --all` at the time limit, cleanly", () => {
    assert.equal(loop.code, 1, loop.stderr);
    assert.ok(loop.ms < TIME_LIMIT_S * 1000 + OVERHEAD_MS, `took ${loop.ms} ms`);
    assert.match(
      reportOf(loop.stderr, "loop"),
      new RegExp(`the build ran over its time limit \\(${TIME_LIMIT_S} s\\) and was stopped\\. A plugin's top-level code runs at build time`),
    );
    assert.match(loop.stderr, /2 plugins in [\d.]+ s: 0 built, 0 up to date, 2 failed/);
    assertClean(loop.stderr);
  });

  it("a huge top-level allocation is stopped at the memory limit, cleanly", () => {
    assert.equal(alloc.code, 1, alloc.stderr);
    assert.match(alloc.stderr, new RegExp(`alloc failed: the build used over ${MEMORY_LIMIT_MB} MB of memory and was stopped`));
    assertClean(alloc.stderr);
  });
});

describe("nylon build on broken plugins", () => {
  // Every broken folder in one `nylon build`, as `--all` would meet them: each is reported on its own.
  const cases: { name: string; source?: string; input?: () => string; expect: RegExp }[] = [
    {
      name: "throws",
      source: 'throw new Error("config is missing");',
      expect: /the plugin's top-level code threw while it was run at build time: Error: config is missing\n\s+at <anonymous> \(plugin\.ts:3:\d+\)/,
    },
    {
      name: "twice",
      source: `plugin.addPhaseHandler("a", ${HANDLER});\nplugin.addPhaseHandler("a", ${HANDLER});`,
      expect: /entry "a" is registered twice\n\s+at addPhaseHandler \(@nylon\/sdk\/plugin\.ts:\d+:\d+\)\n\s+at <anonymous> \(plugin\.ts:4:\d+\)/,
    },
    {
      name: "unnamed",
      source: `plugin.addPhaseHandler("", ${HANDLER});`,
      expect: /entry name "" is not valid: use a letter or digit[^\n]*\n\s+at addPhaseHandler \([^)]*\)\n\s+at <anonymous> \(plugin\.ts:3:\d+\)/,
    },
    { name: "spaced", source: `plugin.addPhaseHandler("my entry", ${HANDLER});`, expect: /entry name "my entry" is not valid/ },
    {
      name: "node-fs",
      source: `import { readFileSync } from "node:fs";\nreadFileSync("x");`,
      expect: /plugin\.ts:3:30: error TS2307: Cannot find module 'node:fs'.*Plugins run sandboxed in WebAssembly, without Node\.js modules/,
    },
    { name: "typed", source: `const n: number = "one";`, expect: /1 type error\(s\)\n.*plugin\.ts:3:7: error TS2322/ },
    {
      name: "README.md",
      input: () => {
        fs.writeFileSync(path.join(root, "README.md"), "# notes\n\nnot a plugin\n");
        return path.join(root, "README.md");
      },
      expect: /README\.md: not a plugin source: give a typescript, rust, or go plugin's folder or source file$/,
    },
    {
      name: "built.wasm",
      input: () => {
        fs.copyFileSync(path.join(repoRoot, "plugins/echo/echo.wasm"), path.join(root, "built.wasm"));
        return path.join(root, "built.wasm");
      },
      expect: /built\.wasm: a WebAssembly file is already built: give the folder of the plugin's sources$/,
    },
    {
      name: "nothing",
      input: () => {
        fs.mkdirSync(path.join(root, "nothing"));
        return path.join(root, "nothing");
      },
      expect: /nothing: the folder holds no plugin \(a typescript, rust, or go plugin folder\); to build every plugin folder inside it, add --all$/,
    },
    {
      name: "bad-cargo",
      input: () => {
        fs.mkdirSync(path.join(root, "bad-cargo"));
        fs.writeFileSync(path.join(root, "bad-cargo", "Cargo.toml"), "this is [not toml\n");
        return path.join(root, "bad-cargo");
      },
      expect: /error: key with no value, expected `=`\n\s*--> Cargo\.toml:1:\d+/,
    },
  ];
  let result: { code: number | null; stderr: string; ms: number };
  before(async () => {
    result = await build(cases.map((c) => (c.input ? c.input() : plugin(c.name, c.source!))));
  });

  it("fails, every plugin reported, cleanly", () => {
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`${cases.length} plugins in [\\d.]+ s: 0 built, 0 up to date, ${cases.length} failed`));
    assertClean(result.stderr);
  });

  for (const c of cases) {
    it(`${c.name}: one clear, located message`, () => assert.match(reportOf(result.stderr, c.name), c.expect));
  }
});

/** What the build printed about one plugin: its "[k/n] name failed: ..." line and the lines that continue it. */
function reportOf(output: string, name: string): string {
  const lines = output.split("\n");
  const start = lines.findIndex((l) => new RegExp(`^\\[\\d+/\\d+\\] ${name.replace(".", "\\.")} failed: `).test(l));
  assert.ok(start >= 0, `no failure reported for ${name}:\n${output}`);
  const end = lines.findIndex((l, i) => i > start && /^(\[\d+\/\d+\]| {2}\S|\d+ plugins in )/.test(l));
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

describe("nylon build: where the component goes", () => {
  it("-o inside a file (an unwritable place) is one line", async () => {
    const r = await build([plugin("unwritable", `plugin.addPhaseHandler("ok", ${HANDLER});`), "-o", path.join(root, "README.md", "out.wasm")]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /unwritable failed: cannot write .*README\.md\/out\.wasm: a part of the path is a file, not a folder\n/);
    assertClean(r.stderr);
  });

  it("-o where nothing can be written is one line, without Node's error code or the temporary file", async () => {
    const r = await build([plugin("nowhere", `plugin.addPhaseHandler("ok", ${HANDLER});`), "-o", "/proc/nylon-out.wasm"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /nowhere failed: cannot write \/proc\/nylon-out\.wasm: [a-z ]+\n/);
    assert.doesNotMatch(r.stderr, /E[A-Z]+:|\.partial/);
    assertClean(r.stderr);
  });

  it("-o naming a folder writes <name>.wasm inside it", async () => {
    const out = fs.mkdtempSync(path.join(root, "out-"));
    const r = await build([plugin("good", `plugin.addPhaseHandler("ok", ${HANDLER});`), "-o", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(out, "good.wasm")));
  });

  it("--all goes on past broken plugins and counts them in its summary", async () => {
    const all = path.join(root, "all");
    fs.mkdirSync(all);
    for (const [name, body] of [["fine", `plugin.addPhaseHandler("ok", ${HANDLER});`], ["bad", `const n: number = "one";`]] as const) {
      fs.mkdirSync(path.join(all, name));
      fs.writeFileSync(path.join(all, name, "plugin.ts"), `import { NylonPlugin } from "@nylon/sdk";\nconst plugin = new NylonPlugin();\n${body}\n`);
    }
    const r = await build([all, "--all"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /\[\d\/2\] fine built/);
    assert.match(r.stderr, /\[\d\/2\] bad failed: 1 type error/);
    assert.match(r.stderr, /2 plugins in [\d.]+ s: 1 built, 0 up to date, 1 failed/);
    assertClean(r.stderr);
  });
});
