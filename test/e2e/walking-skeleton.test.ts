// The walking skeleton end to end: build the echo plugin with `nylon build`, serve it with
// `nylon run`, talk to it with a real WebSocket client; an unrouted path is a 404.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runNylon, startNylon, type NylonProcess } from "../support/nylon-process.js";
import { WsTestClient } from "../support/ws-test-client.js";

let nylon: NylonProcess;

before(async () => {
  const wasm = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nylon-skeleton-")), "echo.wasm");
  const build = await runNylon(["build", "plugins/echo", "-o", wasm]);
  assert.equal(build.code, 0, build.stderr);
  nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
plugins:
  - { name: echo, type: wasm, file: ${JSON.stringify(wasm)} }
services:
  - { name: echo, service_type: plugin, plugin: { name: echo, entry: echo } }
routes:
  - name: ws
    route: { type: host, value: "*" }
    paths:
      - { path: /ws, service: { name: echo } }
`);
});

after(async () => {
  assert.equal(await nylon.stop(), 0, nylon.logs());
});

test("text comes back as Echo: <text>, binary comes back as it is", async () => {
  const client = await WsTestClient.connect(`${nylon.wsUrl}/ws`);
  client.send("hi");
  assert.equal(await client.nextText(), "Echo: hi");
  const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
  client.send(bytes);
  assert.deepEqual(new Uint8Array(await client.nextBinary()), bytes);
  await client.close();
});

test("a path with no route is 404 with Nylon's JSON error shape", async () => {
  const res = await fetch(`${nylon.url}/nope`);
  assert.equal(res.status, 404);
  assert.equal(res.headers.get("content-type"), "application/json");
  const body = (await res.json()) as { status: number; error: string };
  assert.equal(body.status, 404);
  assert.equal(body.error, "NYLON_E_ROUTE_NOT_FOUND");
});
