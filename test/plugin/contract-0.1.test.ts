// A plugin built by the 0.1 toolchain (contract nylon:plugin@0.1.0, test/fixtures/contract-0.1) runs
// unchanged in today's proxy, inline and in a worker thread: request filters that answer or continue,
// a response filter, WebSockets with rooms and timers. It imports none of the newer host functions
// and exports no on-result; the proxy must not need them.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { componentWit } from "jco-legacy";
import fs from "node:fs";
import { repoRoot, startNylon, type NylonProcess } from "../support/nylon-process.js";
import { startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { WsTestClient } from "../support/ws-test-client.js";

const fixture = path.join(repoRoot, "test", "fixtures", "contract-0.1", "contract-0.1.wasm");
let nylon: NylonProcess;
let upstream: TestUpstream;

before(async () => {
  upstream = await startUpstream((req, res) => {
    res.setHeader("x-seen-stamp", String(req.headers["x-stamped-by"] ?? ""));
    res.statusCode = 202;
    res.end("upstream");
  });
  const routes = ["inline", "worker"]
    .map(
      (isolation) => `
      - path: /${isolation}/hello
        service: { name: hello-${isolation} }
      - path: /${isolation}/stamp
        middleware: [{ plugin: old-${isolation}, entry: stamp }]
        service: { name: upstream }
      - path: /${isolation}/ws
        service: { name: ws-${isolation} }`,
    )
    .join("");
  const services = ["inline", "worker"]
    .map(
      (isolation) => `
  - { name: hello-${isolation}, service_type: plugin, plugin: { name: old-${isolation}, entry: hello } }
  - { name: ws-${isolation}, service_type: plugin, plugin: { name: old-${isolation}, entry: ws } }`,
    )
    .join("");
  nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
plugins:
  - { name: old-inline, type: wasm, file: ${fixture} }
  - { name: old-worker, type: wasm, file: ${fixture}, isolation: worker }
services:
  - { name: upstream, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${upstream.port} }] }${services}
routes:
  - name: all
    route: { type: host, value: "*" }
    paths:${routes}
`);
});

after(async () => {
  await nylon?.stop();
  await upstream?.close();
});

test("the fixture really is a 0.1.0 component", async () => {
  const wit = await componentWit(fs.readFileSync(fixture));
  assert.match(wit, /nylon:plugin\/host@0\.1\.0/);
  assert.doesNotMatch(wit, /nylon:plugin\/[a-z-]+@0\.[2-9]/);
});

for (const isolation of ["inline", "worker"]) {
  test(`${isolation}: a 0.1 request filter answers, and one continues to the upstream with its response filter`, async () => {
    const hello = await fetch(`${nylon.url}/${isolation}/hello`);
    assert.equal(hello.status, 200);
    assert.equal(hello.headers.get("x-contract"), "0.1");
    assert.equal(await hello.text(), "hello GET /" + isolation + "/hello");

    const stamped = await fetch(`${nylon.url}/${isolation}/stamp`);
    assert.equal(stamped.status, 202);
    assert.equal(stamped.headers.get("x-seen-stamp"), "0.1");
    assert.equal(stamped.headers.get("x-upstream-status"), "202");
    assert.equal(await stamped.text(), "upstream");
  });

  test(`${isolation}: a 0.1 WebSocket greets, broadcasts to its room and answers from a timer`, async () => {
    const a = await WsTestClient.connect(`${nylon.wsUrl}/${isolation}/ws`);
    const b = await WsTestClient.connect(`${nylon.wsUrl}/${isolation}/ws`);
    assert.equal(await a.nextText(), "welcome");
    assert.equal(await b.nextText(), "welcome");
    a.send("hi");
    assert.equal(await a.nextText(), "echo: hi");
    assert.equal(await b.nextText(), "echo: hi");
    b.send("later");
    assert.equal(await b.nextText(), "later");
    await a.close();
    await b.close();
  });
}
