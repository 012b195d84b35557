// `nylon run` refuses a bad configuration before opening any port, and says what is wrong.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { freePort, nylonBin, repoRoot, runNylon, writeTempConfig } from "../support/nylon-process.js";

/** Runs nylon on a config; meanwhile keeps trying the listener port to prove it never opens. */
async function runAndWatchPort(yaml: string): Promise<{ code: number | null; stderr: string; portOpened: boolean }> {
  const port = await freePort();
  const file = writeTempConfig(yaml, port);
  const child = spawn(process.execPath, [nylonBin, "run", "--config", file], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  let portOpened = false;
  let running = true;
  const probe = (async () => {
    while (running) {
      await new Promise<void>((resolve) => {
        const s = net.connect(port, "127.0.0.1");
        s.once("connect", () => {
          portOpened = true;
          s.destroy();
          resolve();
        });
        s.once("error", () => resolve());
      });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  running = false;
  await probe;
  return { code, stderr, portOpened };
}

const service = `
services:
  - name: echo
    service_type: plugin
    plugin: { name: echo, entry: echo }
routes:
  - name: ws
    route: { type: host, value: "*" }
    paths:
      - path: /ws
        service: { name: echo }
`;

test("a type: ffi plugin is refused with a hint to build a .wasm", async () => {
  const r = await runAndWatchPort(`http: ["127.0.0.1:{{PORT}}"]
plugins:
  - name: echo
    type: ffi
    file: ./echo.so
${service}`);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /plugins\[0\]\.type/);
  assert.match(r.stderr, /nylon build/);
  assert.match(r.stderr, /\.wasm/);
  assert.equal(r.portOpened, false);
});

test("a missing .wasm file is named and stops startup", async () => {
  const r = await runAndWatchPort(`http: ["127.0.0.1:{{PORT}}"]
plugins:
  - name: echo
    type: wasm
    file: /nonexistent/echo.wasm
${service}`);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /\/nonexistent\/echo\.wasm/);
  assert.equal(r.portOpened, false);
});

for (const isolation of ["inline", "worker"] as const)
test(`a plugin whose init throws stops startup, naming the plugin and the reason (isolation: ${isolation})`, async () => {
  // auth-ws refuses to start without its tokens.
  const r = await runAndWatchPort(`http: ["127.0.0.1:{{PORT}}"]
plugins:
  - name: guarded
    type: wasm
    isolation: ${isolation}
    file: ${JSON.stringify(`${repoRoot}/plugins/auth-ws/auth-ws.wasm`)}
`);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /plugin guarded failed in init/);
  assert.match(r.stderr, /config needs "tokens"/);
  assert.equal(r.portOpened, false);
});

test("a YAML syntax error names the file and the line", async () => {
  const r = await runAndWatchPort(`http: ["127.0.0.1:{{PORT}}"]
plugins:
  - name: echo
    type: wasm
   file: [unclosed
`);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /nylon\.yaml:\d+:\d+/);
  assert.equal(r.portOpened, false);
});

test("an unreadable config file is named", async () => {
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [nylonBin, "run", "--config", "/nonexistent/nylon.yaml"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.once("exit", (code) => resolve({ code, stderr }));
  });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /\/nonexistent\/nylon\.yaml/);
});

/** The located problem lines ("  file:line:col key: message") of a refusal. */
function problemLines(output: string): string[] {
  return output.split("\n").filter((line) => /^\s+\S+:\d+:\d+ /.test(line)).map((line) => line.trim());
}

// The cases a newcomer meets first: `validate` and `run` refuse them alike, at the key, with a hint.
for (const [title, plugin, entry, expected] of [
  ["a .wasm that was never built", "./plugins/echo/missing.wasm", "echo", /plugins\[0\]\.file: .*missing\.wasm does not exist: run `nylon build .*plugins\/echo`/],
  ["a .ts source given as file", "./plugins/echo/plugin.ts", "echo", /plugins\[0\]\.file: .*plugin\.ts is TypeScript source, not a built plugin: run `nylon build .*plugins\/echo`/],
  ["an entry the plugin never registers", "./plugins/security-headers/security-headers.wasm", "api-key-gaurd", /services\[0\]\.plugin\.entry: plugin p has no entry "api-key-gaurd" \(it registers: security, cors\)/],
] as const) {
  test(`validate and run refuse ${title} with the same located message`, async () => {
    const yaml = `http: ["127.0.0.1:{{PORT}}"]
plugins:
  - { name: p, type: wasm, file: "{{ROOT}}/${plugin.slice(2)}" }
services:
  - { name: s, service_type: plugin, plugin: { name: p, entry: ${entry} } }
routes:
  - name: r
    route: { type: host, value: "*" }
    paths: [{ path: /, service: { name: s } }]
`;
    const run = await runAndWatchPort(yaml);
    const file = writeTempConfig(yaml, await freePort());
    const validate = await runNylon(["validate", file]);
    assert.equal(validate.code, 1);
    assert.notEqual(run.code, 0);
    assert.equal(run.portOpened, false);
    const [validateLine] = problemLines(validate.stderr);
    const [runLine] = problemLines(run.stderr);
    assert.match(validateLine ?? "", expected, validate.stderr);
    assert.match(runLine ?? "", expected, run.stderr);
    assert.match(validateLine ?? "", /nylon\.yaml:\d+:\d+ /);
    assert.doesNotMatch(run.stderr + validate.stderr, /expected=\[|\n\s+at /, "no decoder dump, no stack");
  });
}

test("validate takes the file as an argument or as --config", async () => {
  const file = writeTempConfig('http: ["127.0.0.1:{{PORT}}"]\n', await freePort());
  const positional = await runNylon(["validate", file]);
  const option = await runNylon(["validate", "--config", file]);
  assert.equal(positional.code, 0, positional.stderr);
  assert.equal(option.code, 0, option.stderr);
  assert.match(positional.stderr, /^configuration OK: /);
});

test("run without --config says where it looked and how to give one", { skip: fs.existsSync("/etc/nylon/config.yaml") && "this machine has /etc/nylon/config.yaml" }, async () => {
  const r = await runNylon(["run"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no configuration given, and \/etc\/nylon\/config\.yaml \(the default\) does not exist; give one: nylon run --config nylon\.yaml/);
});

test("a listener whose port is taken is refused at its key", async () => {
  const busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  const port = (busy.address() as net.AddressInfo).port;
  try {
    const file = writeTempConfig(`http: ["127.0.0.1:{{PORT}}"]\n`, port);
    const r = await runNylon(["run", "--config", file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`nylon\\.yaml:1:8 http\\[0\\]: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
  } finally {
    busy.close();
  }
});
