// Slow consumers (issue 5, item 5), through a real nylon: a member of a busy room stops reading. Its
// send buffer is bounded (what it can still receive later is at most the kernel's socket buffers plus
// send_buffer_bytes plus one message); the configured policy applies (drop, counted in /metrics, or a
// close with 1008/1013 that the client sees once it reads again); the other members receive every
// message at full speed; nylon's memory does not grow with the flood.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, test } from "node:test";
import { buildFrame, Opcode } from "./frame-builder.js";
import { RawClient, type Outcome } from "./raw-client.js";
import { idOf, startSemanticsNylon, Watcher, type SemanticsNylon } from "./semantics-nylon.js";
import { delta, scrape } from "../ops/ops-support.js";
import { closeAll, WsTestClient } from "../support/ws-test-client.js";

const SEND_BUFFER_BYTES = 64 * 1024;
const MESSAGE_BYTES = 16 * 1024;
const FLOOD_MESSAGES = 3_000; // 48 MiB to each member: far more than the kernel and the send buffer hold
/** Messages the publisher may be ahead of the fast member (512 KiB: well within the socket buffers). */
const WINDOW = 32;

let nylon: SemanticsNylon;
let watcher: Watcher;
const at = (path: string) => `${nylon.wsUrl}${path}`;

before(async () => {
  const limits = (policy: string) => `{ send_buffer_bytes: ${SEND_BUFFER_BYTES}, slow_consumer: ${policy} }`;
  nylon = await startSemanticsNylon({
    "/drop": limits("drop"),
    "/c1008": limits("close-1008"),
    "/c1013": limits("close-1013"),
    "/drop-16k": "{ send_buffer_bytes: 16384, slow_consumer: drop }",
  });
  watcher = await Watcher.connect(at("/ws"));
});

after(async () => {
  await watcher.close();
  assert.equal(await nylon.stop(), 0, nylon.logs());
});

/**
 * The most a client that stopped reading can still get: both loopback socket buffers, the send buffer,
 * and what one event-loop turn sends it (the messages of one 64 KiB read from the publisher).
 */
function deliverableBacklogBytes(): number {
  const max = (file: string) => Number(fs.readFileSync(file, "utf8").trim().split(/\s+/).at(-1));
  const oneTurn = 64 * 1024 + 2 * (MESSAGE_BYTES + 64);
  return max("/proc/sys/net/ipv4/tcp_rmem") + max("/proc/sys/net/ipv4/tcp_wmem") + SEND_BUFFER_BYTES + oneTurn;
}

function rssBytes(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

const payloadOf = (seq: number) => `${String(seq).padStart(6, "0")} ${"x".repeat(MESSAGE_BYTES - 7)}`;
const seqOf = (message: string) => Number(message.slice(0, 6));

/** A raw member of `room` that answered its join, and its id. */
async function rawMember(path: string, room: string): Promise<{ client: RawClient; id: string }> {
  const client = await RawClient.connect(at(path));
  for (const command of [`join ${room}`, "id"]) await client.send(buildFrame({ opcode: Opcode.text, payload: command }));
  assert.ok(await client.waitUntil((o) => o.filter((e) => e.kind === "message").length >= 2, 5_000), "no answer to join and id");
  const [joined, id] = client.outcomes.splice(0).map((e) => (e as { payload: Buffer }).payload.toString());
  assert.equal(joined, "ok");
  return { client, id: id!.slice(3) };
}

async function wsMember(path: string, room: string): Promise<WsTestClient> {
  const client = await WsTestClient.connect(at(path));
  client.send(`join ${room}`);
  assert.equal(await client.nextText(), "ok");
  return client;
}

/**
 * A publisher outside the room sends FLOOD_MESSAGES numbered messages as fast as `reader` takes them
 * (at most WINDOW ahead: the publisher shares this process with the reader, so without a window its
 * own writes would starve the reader and make it a slow consumer too); returns when `reader` has
 * received all of them, in order, with the time that took and nylon's peak RSS growth.
 */
async function flood(path: string, room: string, reader: WsTestClient): Promise<{ ms: number; rssGrowth: number }> {
  const publisher = await WsTestClient.connect(at(path));
  const rssBefore = rssBytes(nylon.child.pid!);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(nylon.child.pid!))), 50);
  const started = Date.now();
  let sent = 0;
  const publishUpTo = (count: number) => {
    for (; sent < Math.min(count, FLOOD_MESSAGES); sent++) publisher.send(`bcast ${room} ${payloadOf(sent)}`);
  };
  publishUpTo(WINDOW);
  try {
    for (let seq = 0; seq < FLOOD_MESSAGES; seq++) {
      assert.equal(seqOf(await reader.nextText(10_000)), seq, "the fast member lost or reordered a message");
      publishUpTo(seq + 1 + WINDOW);
    }
  } finally {
    clearInterval(sampler);
  }
  const ms = Date.now() - started;
  await publisher.close();
  return { ms, rssGrowth: rssPeak - rssBefore };
}

/** Resumes a stalled raw client and collects what it had coming until the connection goes quiet or closes. */
async function drain(client: RawClient): Promise<{ messages: number[]; bytes: number; close: Outcome | undefined }> {
  client.resumeReading();
  let seen = -1;
  while (client.outcomes.length !== seen && !client.outcomes.some((e) => e.kind === "tcp-close")) {
    seen = client.outcomes.length;
    await client.waitUntil((o) => o.length > seen, 1_000);
  }
  const messages = client.outcomes.filter((e): e is Extract<Outcome, { kind: "message" }> => e.kind === "message");
  return {
    messages: messages.map((m) => seqOf(m.payload.toString())),
    bytes: messages.reduce((sum, m) => sum + m.payload.length, 0),
    close: client.outcomes.find((e) => e.kind === "close"),
  };
}

const increasing = (seqs: number[]) => seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!);

test("policy drop: the stalled member keeps its connection, loses what does not fit (counted), the rest get everything", { timeout: 120_000 }, async (t) => {
  const fast = await wsMember("/drop", "flood-drop");
  const baseline = await flood("/drop", "flood-drop", fast);

  const { client: slow } = await rawMember("/drop", "flood-drop");
  slow.stopReading();
  const before = await scrape(nylon.metricsUrl);
  const run = await flood("/drop", "flood-drop", fast);
  const after = await scrape(nylon.metricsUrl);

  const drained = await drain(slow);
  t.diagnostic(`fast member: ${baseline.ms} ms alone, ${run.ms} ms beside a stalled one; stalled one got ${drained.messages.length} messages (${drained.bytes} bytes); RSS peak growth ${(run.rssGrowth / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(drained.messages.length < FLOOD_MESSAGES, "nothing was dropped");
  assert.ok(increasing(drained.messages), "what the stalled member got is in order");
  assert.ok(drained.bytes <= deliverableBacklogBytes(), `${drained.bytes} bytes were held for the stalled member`);
  assert.equal(delta(before, after, "nylon_websocket_messages_dropped_total"), FLOOD_MESSAGES - drained.messages.length);
  assert.equal(delta(before, after, "nylon_websocket_slow_consumer_closes_total"), 0);
  // Still open: it answers.
  await slow.send(buildFrame({ opcode: Opcode.text, payload: "rooms" }));
  assert.ok(await slow.waitUntil((o) => o.some((e) => e.kind === "message" && e.payload.toString() === "rooms flood-drop"), 5_000));
  slow.destroy();

  assert.ok(run.ms < Math.max(3 * baseline.ms, baseline.ms + 3_000), `the fast member took ${run.ms} ms with a stalled peer, ${baseline.ms} ms without`);
  assert.ok(run.rssGrowth < 32 * 1024 * 1024, `nylon's RSS grew by ${run.rssGrowth} bytes during a ${(FLOOD_MESSAGES * MESSAGE_BYTES) >> 20} MiB flood`);
  await fast.close();
});

for (const [path, code] of [["/c1008", 1008], ["/c1013", 1013]] as const) {
  test(`policy close-${code}: the stalled member is closed with ${code} (seen once it reads again), onClose runs, the rest get everything`, { timeout: 120_000 }, async () => {
    const room = `flood-${code}`;
    const fast = await wsMember(path, room);
    const { client: slow, id } = await rawMember(path, room);
    slow.stopReading();
    const before = await scrape(nylon.metricsUrl);
    const run = await flood(path, room, fast);
    const after = await scrape(nylon.metricsUrl);
    assert.equal(delta(before, after, "nylon_websocket_slow_consumer_closes_total"), 1);
    assert.equal(delta(before, after, "nylon_websocket_messages_dropped_total"), 0);

    const drained = await drain(slow);
    assert.ok(increasing(drained.messages));
    assert.ok(drained.bytes <= deliverableBacklogBytes(), `${drained.bytes} bytes were held for the stalled member`);
    assert.deepEqual(drained.close, { kind: "close", code, reason: Buffer.from("send buffer full (send_buffer_bytes)") });
    assert.match(await watcher.closeOf(id), new RegExp(`^close ${code} `)); // the reason is what the client echoed
    assert.ok(run.rssGrowth < 32 * 1024 * 1024, `nylon's RSS grew by ${run.rssGrowth} bytes`);
    slow.destroy();
    await closeAll([fast]);
  });
}

test("a client that reads is no slow consumer, even when one read of its makes nylon answer more than the send buffer at once", { timeout: 30_000 }, async (t) => {
  const client = await RawClient.connect(at("/drop-16k"));
  t.after(() => client.destroy());
  const messages = 6; // 48 KiB in one write: one read for nylon, six 8 KiB echoes in one event-loop turn
  const frames = Array.from({ length: messages }, (_, i) => buildFrame({ opcode: Opcode.binary, payload: Buffer.alloc(8 * 1024, i) }));
  const before = await scrape(nylon.metricsUrl);
  await client.send(Buffer.concat(frames));
  const echoed = (o: Outcome[]) => o.filter((e) => e.kind === "message").length;
  await client.waitUntil((o) => echoed(o) === messages, 5_000);
  const after = await scrape(nylon.metricsUrl);
  assert.equal(delta(before, after, "nylon_websocket_messages_dropped_total"), 0);
  assert.equal(echoed(client.outcomes), messages);
});
