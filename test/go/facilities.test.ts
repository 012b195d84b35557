// What Go's standard library finds in the sandbox, through a real nylon (test/plugins/go-facilities):
// real time and a moving monotonic clock from the host, randomness seeded from the host, fmt and log
// in the proxy's log under the plugin's name, no files, network, environment or arguments (errors,
// not traps), and os.Exit as the call's failure with its code.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ensurePluginBuilt, waitForLog } from "../phases/phase-fixtures.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";

let nylon: NylonProcess;

before(async () => {
  const file = await ensurePluginBuilt("test/plugins/go-facilities");
  // Two plugins from the same file: two instances, each seeded by the host on its own.
  nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
plugins:
  - { name: facilities, type: wasm, file: ${JSON.stringify(file)} }
  - { name: twin, type: wasm, file: ${JSON.stringify(file)} }
services:
  - { name: facilities, service_type: plugin, plugin: { name: facilities, entry: facilities } }
  - { name: twin, service_type: plugin, plugin: { name: twin, entry: facilities } }
routes:
  - name: all
    route: { type: host, value: "*" }
    paths:
      - { path: "/twin/{*rest}", service: { name: twin } }
      - { path: "/{*rest}", service: { name: facilities } }
`);
});

after(async () => {
  await nylon?.stop();
});

async function report(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${nylon.url}${path}`);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The facilities plugin's log record whose message holds `text`. */
function logged(text: string): Promise<Record<string, unknown>> {
  return waitForLog(nylon.logs, (records) => records.find((r) => r["plugin"] === "facilities" && String(r["msg"]).includes(text)));
}

test("time.Now is the host's time, and the monotonic clock moves within a call and between calls", async () => {
  const first = await report("/time");
  const second = await report("/time");
  assert.ok(Math.abs(Number(first["now_ms"]) - Date.now()) < 60_000, `time.Now() gave ${first["now_ms"]}, Node ${Date.now()}`);
  assert.ok(Number(first["busy_ns"]) >= 2_000_000, `a 2 ms busy loop measured ${first["busy_ns"]} ns`);
  assert.ok(Number(second["since_load_ns"]) > Number(first["since_load_ns"]), "time.Since(load) grows between calls");
});

test("crypto/rand reads the host's random bytes, and math/rand is seeded differently in each instance", async () => {
  const a = await report("/random");
  const b = await report("/random");
  const twin = await report("/twin/random");
  assert.equal(a["crypto_error"], "");
  assert.match(String(a["crypto"]), /^[0-9a-f]{32}$/);
  assert.notEqual(a["crypto"], b["crypto"]);
  assert.notEqual(a["crypto"], "0".repeat(32));
  assert.equal(a["instance_draw"], b["instance_draw"], "one instance, one draw");
  assert.notEqual(a["instance_draw"], twin["instance_draw"], "two instances, two seeds");
});

test("fmt reaches the proxy's log at info and log at error, whole lines, under the plugin's name", async () => {
  await report("/print");
  assert.equal((await logged("facilities: a line from fmt"))["level"], 30);
  const fromLog = await logged("facilities: a line from log");
  assert.equal(fromLog["level"], 50);
  assert.match(String(fromLog["msg"]), /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d facilities: a line from log$/);
  assert.equal((await logged("facilities: a line in"))["msg"], "facilities: a line in two writes");
});

test("files, sockets, stdin, environment and arguments are absent: Go gets errors, not traps", async () => {
  const absent = await report("/absent");
  assert.match(String(absent["read_file"]), /^open \/etc\/hostname: /);
  assert.match(String(absent["create_file"]), /^open plugin\.txt: /);
  assert.match(String(absent["stdin"]), /^read \/dev\/stdin: /);
  // Go's wasip1 port has no sockets of its own: net.Dial meets its in-process stand-in, which holds nothing.
  assert.match(String(absent["dial"]), /^dial tcp 127\.0\.0\.1:80: /);
  assert.equal(absent["env_home"], "");
  assert.equal(absent["environ"], 0);
  assert.equal(absent["args"], 0);
});

test("os.Exit(7) fails the call with 500 and the code in the logged reason; the next call gets a new instance", async () => {
  const res = await fetch(`${nylon.url}/exit`);
  assert.equal(res.status, 500);
  const failure = await logged("plugin failed; instance discarded");
  assert.equal(failure["kind"], "exit");
  assert.match(String(failure["reason"]), /exited with code 7/);
  assert.ok(Number((await report("/time"))["since_load_ns"]) < 60_000_000_000);
});
