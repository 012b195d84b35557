// No WebSocket limit acts in silence. Through a real nylon and real sockets, for each limit: the close
// carries a reason naming the configuration key, one log line names the connection, its route and the
// limit, and a metric counts it; a plugin whose send is refused gets the error (and the operator a log
// line and a metric) even when it ignores it. ws's defaults that used to apply unseen (maxFragments
// 16384, maxBufferedChunks, and the 60 unanswered pings after which it dropped a connection without
// a close frame) are configured or replaced.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { delta, scrape, waitForLog } from "../ops/ops-support.js";
import { freePort, startNylon, type NylonProcess } from "../support/nylon-process.js";
import { WsTestClient } from "../support/ws-test-client.js";
import { buildFrame, Opcode } from "./frame-builder.js";
import { RawClient, type Outcome } from "./raw-client.js";

const MiB = 1024 * 1024;
let nylon: NylonProcess;
let metricsUrl: string;
const at = (path: string) => `${nylon.wsUrl}${path}`;

before(async () => {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
metrics: ["127.0.0.1:${metricsPort}"]
plugins:
  - { name: exact, type: wasm, file: "{{ROOT}}/test/plugins/exact-echo/exact-echo.wasm" }
  # The seed's echo copies a 16 MiB message through QuickJS: on a loaded machine that can outlast the
  # default 100 ms deadline, which this file does not test.
  - { name: seed, type: wasm, file: "{{ROOT}}/plugins/echo/echo.wasm", limits: { deadline_ms: 5000 } }
services:
  - { name: exact, service_type: plugin, plugin: { name: exact, entry: echo } }
  - { name: seed, service_type: plugin, plugin: { name: seed, entry: echo } }
routes:
  - name: limits
    route: { type: host, value: "*" }
    paths:
      - { path: /echo, service: { name: exact } }
      - { path: /big, service: { name: exact, websocket: { max_message_bytes: ${32 * MiB} } } }
      - { path: /seed-big, service: { name: seed, websocket: { max_message_bytes: ${32 * MiB} } } }
      - { path: /fragments-default, service: { name: exact, websocket: { max_message_bytes: ${8 * MiB} } } }
      - { path: /fragments, service: { name: exact, websocket: { max_message_bytes: ${8 * MiB}, max_fragments: 65536 } } }
      - { path: /small, service: { name: exact, websocket: { max_message_bytes: 1000 } } }
      - { path: /chunks, service: { name: exact, websocket: { max_buffered_chunks: 8 } } }
      # The raw client answers no pings of nylon's, and a flood can outlast one ping interval and its
      # pong timeout (30 s) on a loaded machine: liveness would then drop the connection, which these
      # routes do not test.
      - { path: /pings, service: { name: exact, websocket: { send_buffer_bytes: 4096, ping_interval_ms: 0 } } }
      - { path: /pings-drop, service: { name: exact, websocket: { send_buffer_bytes: 4096, slow_consumer: drop, ping_interval_ms: 0 } } }
`);
});

after(async () => {
  assert.equal(await nylon.stop(), 0, nylon.logs());
});

/** The log line of the limit close of a connection on `limit`, after log offset `from`. */
async function limitLogLine(limit: string, from: number): Promise<Record<string, unknown>> {
  const line = await waitForLog(nylon, new RegExp(`"limit":"${limit}".*"msg":"WebSocket closed by a limit"`), 20_000, from);
  return JSON.parse(line) as Record<string, unknown>;
}

function assertNamesConnectionAndRoute(line: Record<string, unknown>, limit: string, value: number, code: number): void {
  assert.match(String(line.conn), /^[0-9a-f-]+:\d+$/);
  assert.equal(line.route, "limits");
  assert.equal(line.plugin, "exact");
  assert.equal(line.limit, limit);
  assert.equal(line.value, value);
  assert.equal(line.code, code);
}

/** A text message of `size` bytes sent as frames of `fragment` bytes. */
function fragmented(size: number, fragment: number): Buffer {
  const frames: Buffer[] = [];
  for (let offset = 0; offset < size; offset += fragment) {
    const payload = Buffer.alloc(Math.min(fragment, size - offset), 0x61);
    frames.push(buildFrame({ opcode: offset === 0 ? Opcode.text : Opcode.continuation, fin: offset + fragment >= size, payload }));
  }
  return Buffer.concat(frames);
}

const closeOf = (outcomes: Outcome[]) => outcomes.find((o): o is Extract<Outcome, { kind: "close" }> => o.kind === "close");

test("a 16 MiB message over the plugin's max_send_bytes: the plugin gets the error, the operator a log line and a metric", { timeout: 60_000 }, async () => {
  const before = await scrape(metricsUrl);
  const from = nylon.logs().length;
  const client = await WsTestClient.connect(at("/big"));
  client.send("a".repeat(16 * MiB));
  // The exact-echo plugin closes with 1009 and the error's code when its echo is refused.
  assert.deepEqual(await client.closed, { code: 1009, reason: "NYLON_E_INVALID_ARGUMENT" });
  const line = JSON.parse(await waitForLog(nylon, /"msg":"plugin send refused/, 20_000, from)) as Record<string, unknown>;
  assert.equal(line.plugin, "exact");
  assert.equal(line.route, "limits");
  assert.match(String(line.conn), /:\d+$/);
  assert.equal(line.limit, "limits.max_send_bytes");
  assert.equal(line.value, 8 * MiB);
  assert.equal(line.bytes, 16 * MiB);
  const after = await scrape(metricsUrl);
  assert.equal(delta(before, after, 'nylon_plugin_sends_refused_total{plugin="exact",limit="max_send_bytes"}'), 1);
});

test("the seed's echo ignores the refused send: the client gets no echo, but the log and the metric still say why", { timeout: 60_000 }, async () => {
  const before = await scrape(metricsUrl);
  const from = nylon.logs().length;
  const client = await WsTestClient.connect(at("/seed-big"));
  client.send("a".repeat(16 * MiB));
  const line = JSON.parse(await waitForLog(nylon, /"msg":"plugin send refused/, 20_000, from)) as Record<string, unknown>;
  assert.equal(line.plugin, "seed");
  assert.equal(line.limit, "limits.max_send_bytes");
  assert.equal(delta(before, await scrape(metricsUrl), 'nylon_plugin_sends_refused_total{plugin="seed",limit="max_send_bytes"}'), 1);
  // The connection is still usable: a message under the cap is echoed.
  client.send("small");
  assert.equal(await client.nextText(20_000), "Echo: small");
  await client.close();
});

test("4 MiB in 64-byte fragments over max_fragments (16384 by default): 1008 with a reason, a log line, a metric", { timeout: 60_000 }, async () => {
  const before = await scrape(metricsUrl);
  const from = nylon.logs().length;
  const client = await RawClient.connect(`${nylon.wsUrl}/fragments-default`);
  await client.send(fragmented(4 * MiB, 64));
  assert.ok(await client.waitUntil((o) => closeOf(o) !== undefined, 30_000), JSON.stringify(client.outcomes.slice(-3)));
  const close = closeOf(client.outcomes)!;
  assert.equal(close.code, 1008);
  assert.equal(close.reason.toString(), "message in over 16384 fragments (max_fragments)");
  assertNamesConnectionAndRoute(await limitLogLine("max_fragments", from), "max_fragments", 16_384, 1008);
  assert.equal(delta(before, await scrape(metricsUrl), 'nylon_websocket_limit_closes_total{limit="max_fragments"}'), 1);
  client.destroy();
});

test("with max_fragments raised, the same 4 MiB message in 64-byte fragments is echoed whole", { timeout: 60_000 }, async () => {
  const client = await RawClient.connect(`${nylon.wsUrl}/fragments`);
  await client.send(fragmented(4 * MiB, 64));
  assert.ok(await client.waitUntil((o) => o.some((e) => e.kind === "message"), 30_000), JSON.stringify(client.outcomes.slice(-3)));
  const echo = client.outcomes.find((o): o is Extract<Outcome, { kind: "message" }> => o.kind === "message")!;
  assert.equal(echo.payload.length, 4 * MiB);
  client.destroy();
});

test("a message over max_message_bytes: 1009 with a reason naming the limit, and a log line", { timeout: 20_000 }, async () => {
  const from = nylon.logs().length;
  const client = await WsTestClient.connect(at("/small"));
  client.send("b".repeat(1001));
  assert.deepEqual(await client.closed, { code: 1009, reason: "message over 1000 bytes (max_message_bytes)" });
  assertNamesConnectionAndRoute(await limitLogLine("max_message_bytes", from), "max_message_bytes", 1000, 1009);
});

test("a frame trickled in more socket reads than max_buffered_chunks: 1008 with a reason and a log line", { timeout: 60_000 }, async () => {
  const from = nylon.logs().length;
  const client = await RawClient.connect(`${nylon.wsUrl}/chunks`);
  // One byte per TCP segment: far more reads than 8 before the 4000-byte frame is complete.
  await client.send(buildFrame({ opcode: Opcode.binary, payload: Buffer.alloc(4000) }), 1);
  assert.ok(await client.waitUntil((o) => closeOf(o) !== undefined, 30_000), JSON.stringify(client.outcomes.slice(-3)));
  const close = closeOf(client.outcomes)!;
  assert.equal(close.code, 1008);
  assert.equal(close.reason.toString(), "frame in over 8 socket reads (max_buffered_chunks)");
  assertNamesConnectionAndRoute(await limitLogLine("max_buffered_chunks", from), "max_buffered_chunks", 8, 1008);
  client.destroy();
});

test("a burst of 500 pings from a client that reads gets 500 pongs and the connection stays open (ws dropped it after 60)", { timeout: 30_000 }, async () => {
  const client = await RawClient.connect(`${nylon.wsUrl}/echo`);
  const pings = Buffer.concat(Array.from({ length: 500 }, (_, i) => buildFrame({ opcode: Opcode.ping, payload: `p${i}` })));
  await client.send(pings); // one write: one burst
  assert.ok(await client.waitUntil((o) => o.filter((e) => e.kind === "pong").length === 500, 20_000), `${client.outcomes.length} outcomes`);
  await client.send(buildFrame({ opcode: Opcode.text, payload: "still open" }));
  assert.ok(await client.waitUntil((o) => o.some((e) => e.kind === "message"), 10_000));
  assert.ok(!client.outcomes.some((e) => e.kind === "tcp-close" || e.kind === "close"), JSON.stringify(client.outcomes.slice(-2)));
  client.destroy();
});

/** Pings a client that does not read until nylon logs that it closed the connection (or the pings are many). */
async function floodPingsUnread(client: RawClient, until: RegExp, from: number): Promise<string> {
  client.stopReading();
  const batch = Buffer.concat(Array.from({ length: 1000 }, () => buildFrame({ opcode: Opcode.ping, payload: Buffer.alloc(125) })));
  for (let sent = 0; sent < 400; sent++) {
    await client.send(batch);
    const line = nylon.logs().slice(from).split("\n").find((l) => until.test(l));
    if (line) return line;
  }
  return waitForLog(nylon, until, 10_000, from);
}

test("pings from a client that does not read the pongs: closed with 1013 and a reason once send_buffer_bytes is unread", { timeout: 60_000 }, async () => {
  const from = nylon.logs().length;
  const client = await RawClient.connect(`${nylon.wsUrl}/pings`);
  const line = JSON.parse(await floodPingsUnread(client, /"limit":"send_buffer_bytes".*"WebSocket closed by a limit"/, from)) as Record<string, unknown>;
  assertNamesConnectionAndRoute(line, "send_buffer_bytes", 4096, 1013);
  client.resumeReading();
  assert.ok(await client.waitUntil((o) => closeOf(o) !== undefined, 40_000), "the close frame arrives after the unread pongs");
  const close = closeOf(client.outcomes)!;
  assert.equal(close.code, 1013);
  assert.equal(close.reason.toString(), "pongs not read (send_buffer_bytes)");
  client.destroy();
});

test("with slow_consumer: drop, pongs a client leaves unread are dropped (counted) and the connection stays", { timeout: 60_000 }, async () => {
  const before = await scrape(metricsUrl);
  const client = await RawClient.connect(`${nylon.wsUrl}/pings-drop`);
  client.stopReading();
  const batch = Buffer.concat(Array.from({ length: 1000 }, () => buildFrame({ opcode: Opcode.ping, payload: Buffer.alloc(125) })));
  let dropped = 0;
  for (let sent = 0; sent < 400 && dropped === 0; sent++) {
    await client.send(batch);
    if (sent % 10 === 9) dropped = delta(before, await scrape(metricsUrl), "nylon_websocket_pongs_dropped_total");
  }
  assert.ok(dropped > 0, "some pongs were dropped");
  client.resumeReading();
  // Until the client has read what nylon buffered, the echo is over send_buffer_bytes too and the same
  // policy drops it: the client asks again until one gets through.
  let echoed = false;
  for (let asked = 0; asked < 20 && !echoed; asked++) {
    await client.send(buildFrame({ opcode: Opcode.text, payload: "after the flood" }));
    echoed = await client.waitUntil((o) => o.some((e) => e.kind === "message"), 2_000);
  }
  assert.ok(echoed, JSON.stringify({ outcomes: client.outcomes.length, last: client.outcomes.slice(-2) }));
  assert.equal(closeOf(client.outcomes), undefined);
  client.destroy();
});
