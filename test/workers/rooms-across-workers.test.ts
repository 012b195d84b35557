// A node of two workers (`workers: 2`) with rooms in memory: members on both workers chat as one room,
// sendTo and room sizes cross workers, /metrics adds the workers up, and a worker that is stopped,
// crashes or is killed is replaced while the other keeps serving.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { delta, getFresh, scrape, stopAndRemove, tempDir, waitForLog } from "../ops/ops-support.js";
import { freePort, type NylonProcess } from "../support/nylon-process.js";
import { nextMatching, WsTestClient } from "../support/ws-test-client.js";
import { joinChat } from "../support/seed-clients.js";
import { nodeOf, probesOnEveryWorker, servingWorker, servingWorkers, startNode, untilSizes, type Probe } from "./node-support.js";

function nodeConfig(metricsPort: number): string {
  return `
http: ["127.0.0.1:{{PORT}}"]
metrics: ["127.0.0.1:${metricsPort}"]
workers: 2
log: { access_log: true }
# The probe reports connection ids and room sizes, and chats in the chat's rooms: one room namespace.
plugins:
  - { name: chat, type: wasm, file: "{{ROOT}}/plugins/chat/chat.wasm", room_namespace: lobby }
  - { name: room-probe, type: wasm, file: "{{ROOT}}/test/plugins/room-probe/room-probe.wasm", room_namespace: lobby }
services:
  - { name: chat, service_type: plugin, plugin: { name: chat, entry: chat } }
  - { name: probe, service_type: plugin, plugin: { name: room-probe, entry: probe } }
  - { name: web, service_type: static, static: { root: "{{ROOT}}/web" } }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: /chat, service: { name: chat } }
      - { path: /probe, service: { name: probe } }
      - { path: /, service: { name: web } }
`;
}

/** Reads `client`'s messages until `count` "end" markers came; returns the other messages in between. */
async function messagesUntilEnds(client: WsTestClient, count: number): Promise<string[]> {
  const seen: string[] = [];
  let ends = 0;
  while (ends < count) {
    const message = await client.nextText(10_000);
    if (message.startsWith("end ")) ends++;
    else seen.push(message);
  }
  return seen;
}

describe("a node of two workers sharing rooms in memory", () => {
  let dir: string;
  let nylon: NylonProcess;
  let metricsUrl: string;
  const open: WsTestClient[] = [];
  const track = (probes: Probe[]) => (open.push(...probes.map((p) => p.client)), probes);

  before(async () => {
    dir = tempDir();
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    // Every process of the node preloads the SIGUSR2 crash trigger, so a worker can be made to crash.
    const crashTrigger = pathToFileURL(new URL("../support/crash-on-sigusr2.js", import.meta.url).pathname).href;
    const nodeOptions = [process.env.NODE_OPTIONS, `--import=${crashTrigger}`].filter(Boolean).join(" ");
    nylon = await startNode(nodeConfig(metricsPort), { configDir: dir, env: { NODE_OPTIONS: nodeOptions } });
  });
  after(async () => {
    await Promise.all(open.map((client) => client.close().catch(() => {})));
    await stopAndRemove(nylon, dir);
  });

  it("members spread over both workers (by their connection ids) all get every broadcast, once", async () => {
    const probes = track(await probesOnEveryWorker(nylon, "general", 2, 2));
    assert.equal(new Set(probes.map((p) => nodeOf(p.id))).size, 2);
    await untilSizes(probes, probes.length);

    for (const [i, probe] of probes.entries()) probe.client.send(`from ${i}`);
    for (const probe of probes) probe.client.send(`end ${probe.id}`);
    // Whatever a sender broadcasts reaches a member in order, so a duplicate of a "from" would arrive
    // before that sender's "end".
    const expected = probes.map((_, i) => `from ${i}`).sort();
    for (const probe of probes) assert.deepEqual((await messagesUntilEnds(probe.client, probes.length)).sort(), expected, probe.id);

    // The seed's chat plugin, on both workers, in the same room.
    const [alice, bob] = [await joinChat(nylon.wsUrl), await joinChat(nylon.wsUrl)];
    open.push(alice, bob);
    alice.send("hello from the chat");
    for (const client of [alice, bob, ...probes.map((p) => p.client)]) await nextMatching(client, (m) => m === "hello from the chat");
  });

  it("sendTo reaches a connection on the other worker; an id of no worker of the node is refused", async () => {
    const probes = track(await probesOnEveryWorker(nylon, "direct", 2, 1));
    const first = probes[0]!;
    const other = probes.find((p) => nodeOf(p.id) !== nodeOf(first.id))!;
    first.client.send(`/to ${other.id} across workers`);
    assert.equal(await nextMatching(other.client, (m) => m === "across workers" || m.startsWith("unknown")), "across workers");
    const nowhere = "00000000-0000-4000-8000-000000000000:1";
    first.client.send(`/to ${nowhere} lost`);
    assert.equal(await nextMatching(first.client, (m) => m.startsWith("unknown")), `unknown ${nowhere}`);
  });

  it("/metrics adds the workers up: the request total equals the requests sent, served by both", async () => {
    const series = 'nylon_http_requests_total{route="site",method="GET",status="200"}';
    const before = await scrape(metricsUrl);
    const from = nylon.logs().length;
    const sent = 40;
    for (let i = 0; i < sent; i++) assert.equal((await getFresh(`${nylon.url}/`)).status, 200);
    const after = await scrape(metricsUrl);
    assert.equal(delta(before, after, series), sent);
    // Each worker's access lines carry its number; together they are the node's one stream.
    const accessLines = nylon
      .logs()
      .slice(from)
      .split("\n")
      .filter((line) => line.includes('"access":"http"'));
    assert.equal(accessLines.length, sent);
    const byWorker = new Set(accessLines.map((line) => (JSON.parse(line) as { worker: number }).worker));
    assert.deepEqual([...byWorker].sort(), [1, 2]);
    // A worker label only where summing would lie: per-process series.
    for (const worker of ["1", "2", "primary"]) assert.ok(after.has(`nylon_process_process_cpu_seconds_total{worker="${worker}"}`), worker);
    assert.equal(after.get("nylon_workers"), 2);
    assert.ok(![...after.keys()].some((name) => name.startsWith("nylon_http_requests_total") && name.includes("worker=")));
  });

  it("a worker stopped alone (SIGTERM): its clients get 1012, the others keep chatting, another worker takes its place", async () => {
    const probes = track(await probesOnEveryWorker(nylon, "restart", 2, 2));
    await untilSizes(probes, probes.length);
    const workers = [...servingWorkers(nylon).values()];
    const victim = workers.find((w) => w.nodeId === nodeOf(probes[0]!.id))!;
    const [gone, staying] = [probes.filter((p) => nodeOf(p.id) === victim.nodeId), probes.filter((p) => nodeOf(p.id) !== victim.nodeId)];
    const before = await scrape(metricsUrl);
    const from = nylon.logs().length;

    process.kill(victim.pid, "SIGTERM");
    for (const probe of gone) assert.deepEqual(await probe.client.closed, { code: 1012, reason: "service restart" });
    staying[0]!.client.send("still here");
    for (const probe of staying) await nextMatching(probe.client, (m) => m === "still here");
    await untilSizes(staying, staying.length);

    await waitForLog(nylon, /"msg":"worker serving again"/, 120_000, from);
    const replacement = await servingWorker(nylon, victim.index, from);
    assert.notEqual(replacement.pid, victim.pid);
    assert.equal(await (await fetch(`${metricsUrl}/health`)).text(), "ok\n");
    assert.equal(delta(before, await scrape(metricsUrl), "nylon_worker_restarts_total"), 1);
    // The replacement serves the room with the survivors.
    const newcomers = track(await probesOnEveryWorker(nylon, "restart", 2, 1));
    assert.ok(newcomers.some((p) => nodeOf(p.id) === replacement.nodeId));
    await untilSizes([...staying, ...newcomers], staying.length + newcomers.length);
    newcomers.find((p) => nodeOf(p.id) === replacement.nodeId)!.client.send("from the new worker");
    for (const probe of [...staying, ...newcomers]) await nextMatching(probe.client, (m) => m === "from the new worker");
  });

  it("a worker that crashes (an uncaught exception): its clients get 1012, the others keep chatting, it is started again", async () => {
    const probes = track(await probesOnEveryWorker(nylon, "crash", 2, 2));
    await untilSizes(probes, probes.length);
    const victim = [...servingWorkers(nylon).values()].find((w) => w.nodeId === nodeOf(probes[0]!.id))!;
    const [gone, staying] = [probes.filter((p) => nodeOf(p.id) === victim.nodeId), probes.filter((p) => nodeOf(p.id) !== victim.nodeId)];
    const from = nylon.logs().length;

    process.kill(victim.pid, "SIGUSR2");
    for (const probe of gone) assert.deepEqual(await probe.client.closed, { code: 1012, reason: "service restart" });
    assert.match(await waitForLog(nylon, /"msg":"worker failed; closing its WebSockets with 1012 and exiting"/, 10_000, from), /a bug that escapes every handler/);
    staying[0]!.client.send("after the crash");
    for (const probe of staying) await nextMatching(probe.client, (m) => m === "after the crash");
    await untilSizes(staying, staying.length);
    await waitForLog(nylon, /"msg":"worker serving again"/, 120_000, from);
    assert.notEqual((await servingWorker(nylon, victim.index, from)).pid, victim.pid);
  });

  it("a worker killed with SIGKILL: its members leave the room sizes at once, and it is started again", async () => {
    const probes = track(await probesOnEveryWorker(nylon, "kill", 2, 2));
    await untilSizes(probes, probes.length);
    const victim = [...servingWorkers(nylon).values()].find((w) => w.nodeId === nodeOf(probes[0]!.id))!;
    const [gone, staying] = [probes.filter((p) => nodeOf(p.id) === victim.nodeId), probes.filter((p) => nodeOf(p.id) !== victim.nodeId)];
    const from = nylon.logs().length;

    process.kill(victim.pid, "SIGKILL");
    // Nothing can send a close frame for a killed process: its clients see the connection drop.
    for (const probe of gone) assert.equal((await probe.client.closed).code, 1006);
    await untilSizes(staying, staying.length);
    assert.match(await waitForLog(nylon, /worker exited unexpectedly/, 10_000, from), /"signal":"SIGKILL"/);
    await waitForLog(nylon, /"msg":"worker serving again"/, 120_000, from);
  });
});
