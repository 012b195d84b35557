// `nylon run` refuses a bad configuration before opening any port, and says what is wrong.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import { freePort, nylonBin, repoRoot, writeTempConfig } from "../support/nylon-process.js";

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
