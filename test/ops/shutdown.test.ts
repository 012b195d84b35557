// Graceful shutdown: SIGTERM drains (/health 503, requests in flight finish), WebSockets close with
// 1001 after the plugin's farewell, the process exits 0 within the grace period; a second signal
// exits at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startUpstream } from "../http/test-upstream.js";
import { freePort, startNylon } from "../support/nylon-process.js";
import { getFresh as get, RecordingClient, waitForExit } from "./ops-support.js";

async function chatProxy(grace: number, upstreamPort: number, metricsPort: number) {
  return startNylon(`
http: ["127.0.0.1:{{PORT}}"]
metrics: ["127.0.0.1:${metricsPort}"]
shutdown: { grace_period_seconds: ${grace} }
plugins:
  - { name: chat, type: wasm, file: "{{ROOT}}/plugins/chat/chat.wasm" }
services:
  - { name: chat, service_type: plugin, plugin: { name: chat, entry: chat } }
  - { name: slow, service_type: http, endpoints: [{ ip: 127.0.0.1, port: ${upstreamPort} }] }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: /chat, service: { name: chat } }
      - { path: /slow, service: { name: slow } }
`);
}

test("SIGTERM: farewell then 1001 for every client, /health 503 while draining, the request in flight finishes, exit 0 in the grace period", async () => {
  let arrived!: () => void;
  const reachedUpstream = new Promise<void>((resolve) => (arrived = resolve));
  const upstream = await startUpstream((_req, res) => {
    arrived();
    setTimeout(() => res.end("slow answer"), 1500);
  });
  const metricsPort = await freePort();
  const nylon = await chatProxy(5, upstream.port, metricsPort);
  try {
    const alice = await RecordingClient.connect(`${nylon.wsUrl}/chat`);
    await alice.received(2);
    const bob = await RecordingClient.connect(`${nylon.wsUrl}/chat`);
    await bob.received(2);
    await alice.received(3);
    const inFlight = get(`${nylon.url}/slow`);
    await reachedUpstream;

    const signalled = Date.now();
    nylon.child.kill("SIGTERM");
    const [aliceClose, bobClose] = await Promise.all([alice.closed, bob.closed]);
    assert.equal(aliceClose.code, 1001);
    assert.equal(bobClose.code, 1001);
    // Alice's connection closed first; its onClose broadcast reached Bob before his own 1001.
    assert.equal(bob.messages.at(-1), "A user left the chat");
    const health = await fetch(`http://127.0.0.1:${metricsPort}/health`);
    assert.equal(health.status, 503);
    assert.deepEqual(await inFlight, { status: 200, body: "slow answer" });
    assert.equal(await waitForExit(nylon, 6_000), 0);
    assert.ok(Date.now() - signalled < 5_000, `exited after ${Date.now() - signalled} ms`);
    assert.match(nylon.logs(), /"msg":"shutting down"/);
  } finally {
    await nylon.stop();
    await upstream.close();
  }
});

test("a second signal exits at once, without waiting for requests in flight", async () => {
  let arrived!: () => void;
  const reachedUpstream = new Promise<void>((resolve) => (arrived = resolve));
  const upstream = await startUpstream((_req, res) => {
    arrived();
    setTimeout(() => res.end("late"), 20_000);
  });
  const nylon = await chatProxy(30, upstream.port, await freePort());
  try {
    get(`${nylon.url}/slow`).catch(() => {});
    await reachedUpstream;
    nylon.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    const signalled = Date.now();
    nylon.child.kill("SIGINT");
    const code = await waitForExit(nylon, 3_000);
    assert.notEqual(code, 0, nylon.logs());
    assert.ok(Date.now() - signalled < 2_000);
  } finally {
    await nylon.stop();
    await upstream.close();
  }
});
