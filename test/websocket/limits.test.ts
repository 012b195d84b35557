// WebSocket protocol limits (issue 5, item 4), set per route path, through a real nylon and real
// clients: maximum message size (1009), ping interval and pong timeout (a dead peer is dropped and its
// onClose runs), idle timeout (1001), permessage-deflate on or off.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test, type TestContext } from "node:test";
import { buildFrame, Opcode } from "./frame-builder.js";
import { RawClient } from "./raw-client.js";
import { idOf, startSemanticsNylon, Watcher, type SemanticsNylon } from "./semantics-nylon.js";
import { closeAll, WsTestClient } from "../support/ws-test-client.js";

let nylon: SemanticsNylon;
let watcher: Watcher;
const at = (path: string) => `${nylon.wsUrl}${path}`;

before(async () => {
  nylon = await startSemanticsNylon({
    "/small": "{ max_message_bytes: 1024 }",
    "/ping": "{ ping_interval_ms: 200, pong_timeout_ms: 300 }",
    "/idle": "{ idle_timeout_ms: 600, ping_interval_ms: 100 }",
    "/deflate": "{ per_message_deflate: true }",
    "/deflate-small": "{ per_message_deflate: true, max_message_bytes: 1024 }",
  });
  watcher = await Watcher.connect(at("/ws"));
});

after(async () => {
  await watcher.close();
  assert.equal(await nylon.stop(), 0, nylon.logs());
});

async function connectWithId(path: string, options = {}): Promise<{ client: WsTestClient; id: string }> {
  const client = await WsTestClient.connect(at(path), [], options);
  return { client, id: await idOf(client) };
}

// ---- maximum message size ------------------------------------------------------------------------

test("a message at the route's limit is delivered; one byte more closes with 1009 and onClose sees 1009", { timeout: 10_000 }, async () => {
  const { client, id } = await connectWithId("/small");
  client.send("a".repeat(1024));
  assert.equal(await client.nextText(), `unknown ${"a".repeat(1024)}`);
  client.send("a".repeat(1025));
  assert.equal((await client.closed).code, 1009);
  assert.equal(await watcher.closeOf(id), "close 1009 message over 1024 bytes (max_message_bytes)");

  const binary = await WsTestClient.connect(at("/small"));
  binary.send(new Uint8Array(1025));
  assert.equal((await binary.closed).code, 1009);
});

test("the limit is per route: the same message is fine under the global default (1 MiB)", { timeout: 10_000 }, async () => {
  const client = await WsTestClient.connect(at("/ws"));
  client.send(new Uint8Array(4096));
  assert.equal((await client.nextBinary()).length, 4096);
  await client.close();
});

test("with permessage-deflate the limit applies to the inflated size (no compression bombs)", { timeout: 10_000 }, async () => {
  const client = await WsTestClient.connect(at("/deflate-small"));
  assert.match(client.extensions, /permessage-deflate/);
  client.send("a".repeat(100_000)); // a few hundred bytes on the wire
  assert.equal((await client.closed).code, 1009);
});

// ---- ping interval, pong timeout ------------------------------------------------------------------

test("a peer that never answers pings is dropped after the pong timeout (1006) and its onClose runs", { timeout: 10_000 }, async (t: TestContext) => {
  const dead = await RawClient.connect(at("/ping"));
  t.after(() => dead.destroy());
  await dead.send(buildFrame({ opcode: Opcode.text, payload: "id" }));
  assert.ok(await dead.waitUntil((o) => o.some((e) => e.kind === "message"), 5_000));
  const answer = dead.outcomes.find((e) => e.kind === "message")!;
  const id = (answer as { payload: Buffer }).payload.toString().slice(3);

  const started = Date.now();
  assert.ok(await dead.waitUntil((o) => o.some((e) => e.kind === "tcp-close"), 5_000), "the dead peer was not dropped");
  const elapsed = Date.now() - started;
  assert.ok(dead.outcomes.some((e) => e.kind === "ping"), "it was pinged first");
  assert.ok(!dead.outcomes.some((e) => e.kind === "close"), "no close handshake with a dead peer");
  assert.ok(elapsed >= 300 && elapsed < 2_000, `dropped after ${elapsed} ms (interval 200 + timeout 300, checked every 250)`);
  assert.equal(await watcher.closeOf(id), "close 1006 ");
});

test("a peer that answers pings stays open across many ping intervals", { timeout: 10_000 }, async () => {
  const { client } = await connectWithId("/ping");
  await sleep(1_500);
  assert.match(await idOf(client), /:\d+$/);
  await client.close();
});

// ---- idle timeout ---------------------------------------------------------------------------------

test("a connection without messages is closed with 1001 after the idle timeout, even though it answers pings", { timeout: 10_000 }, async () => {
  const { client, id } = await connectWithId("/idle");
  const started = Date.now();
  assert.deepEqual(await client.closed, { code: 1001, reason: "idle timeout (idle_timeout_ms)" });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 500 && elapsed < 2_500, `closed after ${elapsed} ms (idle timeout 600, checked every 250)`);
  assert.equal(await watcher.closeOf(id), "close 1001 idle timeout (idle_timeout_ms)");
});

test("messages in either direction keep a connection from being idle", { timeout: 10_000 }, async () => {
  const talker = await WsTestClient.connect(at("/idle"));
  const listener = await WsTestClient.connect(at("/idle"));
  listener.send("join idle-room");
  assert.equal(await listener.nextText(), "ok");
  for (let elapsed = 0; elapsed < 1_500; elapsed += 150) {
    talker.send("bcastx idle-room tick"); // the talker sends, the listener only receives
    assert.equal(await listener.nextText(), "tick");
    await sleep(150);
  }
  assert.match(await idOf(talker), /:\d+$/);
  assert.match(await idOf(listener), /:\d+$/);
  await closeAll([talker, listener]);
});

// ---- permessage-deflate ---------------------------------------------------------------------------

test("permessage-deflate is negotiated only where it is on; compressed and plain members share a room", { timeout: 10_000 }, async () => {
  const compressed = await WsTestClient.connect(at("/deflate"));
  const plain = await WsTestClient.connect(at("/ws"));
  assert.match(compressed.extensions, /permessage-deflate/);
  assert.equal(plain.extensions, "");
  for (const c of [compressed, plain]) {
    c.send("join mixed");
    assert.equal(await c.nextText(), "ok");
  }
  const long = "compressible ".repeat(2_000);
  plain.send(`bcast mixed ${long}`);
  assert.equal(await compressed.nextText(), long);
  assert.equal(await plain.nextText(), long);
  compressed.send("bin mixed XYZ");
  assert.deepEqual([...(await compressed.nextBinary())], [88, 89, 90]);
  assert.deepEqual([...(await plain.nextBinary())], [88, 89, 90]);
  await closeAll([compressed, plain]);
});
