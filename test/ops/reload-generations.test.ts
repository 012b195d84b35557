// A reload while requests and WebSockets are in flight: a request keeps the configuration it arrived
// under until its last byte (its plugin instance is never dropped under it, nor rebuilt), and a
// WebSocket on a replaced configuration is closed with 1012 after the drain limit, freeing its instance.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { freePort, repoRoot, startNylon, type NylonProcess } from "../support/nylon-process.js";
import { delta, RecordingClient, scrape, waitForLog } from "./ops-support.js";

async function reload(nylon: NylonProcess): Promise<void> {
  const from = nylon.logs().length;
  nylon.child.kill("SIGHUP");
  await waitForLog(nylon, /configuration reloaded|reload rejected/, 60_000, from);
  assert.doesNotMatch(nylon.logs().slice(from), /reload rejected/);
}

/** An upstream that holds each request until the test lets it answer. */
async function heldUpstream(): Promise<{ server: http.Server; port: number; arrived: () => Promise<() => void> }> {
  const waiting: ((answer: () => void) => void)[] = [];
  const held: (() => void)[] = [];
  const server = http.createServer((_req, res) => {
    const answer = () => res.end("upstream answer");
    const next = waiting.shift();
    if (next) next(answer);
    else held.push(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    /** Resolves when the next request reached the upstream, with the function that answers it. */
    arrived: () => new Promise((resolve) => (held.length > 0 ? resolve(held.shift()!) : waiting.push(resolve))),
  };
}

describe("reload generations", () => {
  const stops: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it("10 requests each spanning a reload in their upstream leg: all answered through their plugin, 0 rebuilds, 0 restarts", async () => {
    const upstream = await heldUpstream();
    stops.push(() => new Promise((resolve) => upstream.server.close(resolve)));
    const metricsPort = await freePort();
    const nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
metrics: ["127.0.0.1:${metricsPort}"]
plugins:
  - { name: headers, type: wasm, file: "{{ROOT}}/plugins/security-headers/security-headers.wasm" }
services:
  - { name: slow, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${upstream.port} }] }
routes:
  - name: slow
    route: { type: host, value: "*" }
    # The plugin runs only in the response filter: nothing of it runs while the request is upstream.
    middleware: [{ plugin: headers, entry: security, payload: { hsts_max_age: 0 } }]
    paths: [{ path: /slow, service: { name: slow } }]
`);
    stops.push(() => nylon.stop());
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    const before = await scrape(metricsUrl);

    for (let i = 0; i < 10; i++) {
      const response = fetch(`${nylon.url}/slow`);
      const answer = await upstream.arrived();
      await reload(nylon);
      answer();
      const res = await response;
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "upstream answer");
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", "the response filter of the request's own configuration ran");
    }
    // Every replaced instance is dropped once its request is over.
    const deadline = Date.now() + 20_000;
    while ((nylon.logs().match(/previous plugin instance dropped/g) ?? []).length < 10) {
      assert.ok(Date.now() < deadline, "the 10 replaced instances were not all dropped");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.doesNotMatch(nylon.logs(), /plugin instance rebuilt/);
    const after = await scrape(metricsUrl);
    assert.equal(delta(before, after, 'nylon_plugin_restarts_total{plugin="headers"}'), 0);
    assert.equal(delta(before, after, 'nylon_config_reloads_total{result="applied"}'), 10);
    assert.equal(after.get("nylon_retired_configurations"), 0);
  });

  it("a WebSocket on a replaced configuration is closed with 1012 after the drain limit and its instance is freed", async () => {
    const metricsPort = await freePort();
    const nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
metrics: ["127.0.0.1:${metricsPort}"]
websocket: { reload_drain_ms: 1500 }
plugins:
  - { name: echo, type: wasm, file: "${repoRoot}/plugins/echo/echo.wasm" }
services:
  - { name: echo, service_type: plugin, plugin: { name: echo, entry: echo } }
routes:
  - name: ws
    route: { type: host, value: "*" }
    paths: [{ path: /ws, service: { name: echo } }]
`);
    stops.push(() => nylon.stop());
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    const old = await RecordingClient.connect(`${nylon.wsUrl}/ws`);
    await reload(nylon);
    const held = await scrape(metricsUrl);
    assert.equal(held.get("nylon_retired_configurations"), 1);
    assert.equal(held.get('nylon_retired_plugin_instances{plugin="echo"}'), 1);
    assert.equal(held.get('nylon_retired_websocket_connections{plugin="echo"}'), 1);
    assert.ok((held.get('nylon_retired_plugin_memory_bytes{plugin="echo"}') ?? 0) > 0, "the retired instance's memory is shown");

    const fresh = await RecordingClient.connect(`${nylon.wsUrl}/ws`);
    assert.deepEqual(await old.closed, { code: 1012, reason: "configuration reloaded" });
    await waitForLog(nylon, /previous plugin instance dropped/);
    const freed = await scrape(metricsUrl);
    assert.equal(freed.get("nylon_retired_configurations"), 0);
    assert.equal(freed.get('nylon_retired_plugin_instances{plugin="echo"}'), undefined);
    // The connection on the configuration in force is not touched by the drain.
    fresh.socket.send("still here");
    assert.deepEqual(await fresh.received(1), ["Echo: still here"]);
    await fresh.close();
  });
});
