// `workers: 2` with `adapter_type: redis`: the workers of a node share rooms through Redis as every
// node does, beside a single-process node on the same Redis; each message is delivered once; a killed
// worker's members leave Redis at once, without waiting for its heartbeat to expire.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { DEAD_NODE_REMOVAL_BOUND_MS } from "../../runtime/websocket/adapters/redis-membership.js";
import { RedisServer } from "../cluster/redis-server.js";
import { stopAndRemove, tempDir, waitForLog } from "../ops/ops-support.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { connectProbe, nodeOf, probesOnEveryWorker, servingWorkers, startNode, untilSizes, type Probe } from "./node-support.js";

function config(redisPort: number, keyPrefix: string, workers: number): string {
  return `
http: ["127.0.0.1:{{PORT}}"]
workers: ${workers}
log: { level: info }
websocket:
  adapter_type: redis
  redis: { host: 127.0.0.1, port: ${redisPort}, key_prefix: "${keyPrefix}", connect_timeout_ms: 1000 }
plugins:
  - { name: room-probe, type: wasm, file: "{{ROOT}}/test/plugins/room-probe/room-probe.wasm" }
services:
  - { name: probe, service_type: plugin, plugin: { name: room-probe, entry: probe } }
routes:
  - { name: probe, route: { type: host, value: "*" }, paths: [{ path: /probe, service: { name: probe } }] }
`;
}

describe("a node of two workers and a single-process node sharing rooms through Redis", () => {
  let redis: RedisServer;
  let dir: string;
  let workersNode: NylonProcess;
  let singleNode: NylonProcess;
  const probes: Probe[] = [];

  before(async () => {
    redis = await RedisServer.start();
    dir = tempDir();
    const prefix = `workers-test-${randomUUID()}`;
    [workersNode, singleNode] = await Promise.all([startNode(config(redis.port, prefix, 2), { configDir: dir }), startNylon(config(redis.port, prefix, 1))]);
  });
  after(async () => {
    await Promise.all(probes.map((p) => p.client.close().catch(() => {})));
    await Promise.all([stopAndRemove(workersNode, dir), singleNode?.stop()]);
    await redis.stop();
  });

  it("members on both workers and on the other node get every broadcast, once", async () => {
    probes.push(...(await probesOnEveryWorker(workersNode, "general", 2, 2)), await connectProbe(singleNode, "general"));
    await untilSizes(probes, probes.length);
    for (const [i, probe] of probes.entries()) probe.client.send(`from ${i}`);
    for (const probe of probes) probe.client.send(`end ${probe.id}`);
    const expected = probes.map((_, i) => `from ${i}`).sort();
    for (const probe of probes) {
      const seen: string[] = [];
      for (let ends = 0; ends < probes.length; ) {
        const message = await probe.client.nextText(10_000);
        if (message.startsWith("end ")) ends++;
        else seen.push(message);
      }
      assert.deepEqual(seen.sort(), expected, probe.id);
    }
  });

  it("a worker killed with SIGKILL leaves every room at once: the heartbeat reaper never has to", async () => {
    const victim = [...servingWorkers(workersNode).values()].find((w) => w.nodeId === nodeOf(probes[0]!.id))!;
    const staying = probes.filter((p) => nodeOf(p.id) !== victim.nodeId);
    const from = workersNode.logs().length;
    process.kill(victim.pid, "SIGKILL");
    await untilSizes(staying, staying.length);
    // Had the surviving worker not removed it, a reaper would, once its heartbeat expired, and say so.
    await sleep(DEAD_NODE_REMOVAL_BOUND_MS + 1000);
    for (const node of [workersNode, singleNode]) {
      const reaped = node.logs().split("\n").filter((line) => line.includes("removed dead nodes") && line.includes(victim.nodeId));
      assert.deepEqual(reaped, []);
    }
    await waitForLog(workersNode, /"msg":"worker serving again"/, 120_000, from);
  });
});
