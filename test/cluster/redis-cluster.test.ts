// Three real `nylon run` processes sharing rooms through one real redis-server: chat across nodes,
// sendTo across nodes, Redis stopped and restarted mid-test, and a node killed with SIGKILL.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { DEAD_NODE_REMOVAL_BOUND_MS } from "../../runtime/websocket/adapters/redis-membership.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { nextMatching, WsTestClient } from "../support/ws-test-client.js";
import { RedisServer } from "./redis-server.js";

function clusterConfig(redisPort: number, keyPrefix: string): string {
  return `
http: ["127.0.0.1:{{PORT}}"]
log: { level: warn }
websocket:
  adapter_type: redis
  redis: { host: 127.0.0.1, port: ${redisPort}, key_prefix: "${keyPrefix}", connect_timeout_ms: 1000 }
# The probe counts and joins the chat's rooms: the two plugins share a room namespace.
plugins:
  - { name: chat, type: wasm, file: "{{ROOT}}/plugins/chat/chat.wasm", room_namespace: lobby }
  - { name: room-probe, type: wasm, file: "{{ROOT}}/test/plugins/room-probe/room-probe.wasm", room_namespace: lobby }
services:
  - { name: chat, service_type: plugin, plugin: { name: chat, entry: chat } }
  - { name: probe, service_type: plugin, plugin: { name: room-probe, entry: probe } }
routes:
  - name: cluster
    route: { type: host, value: "*" }
    paths:
      - { path: /chat, service: { name: chat } }
      - { path: /probe, service: { name: probe } }
`;
}

async function roomSizeSeenBy(probe: WsTestClient): Promise<number> {
  probe.send("/size");
  return Number((await nextMatching(probe, (m) => m.startsWith("size "))).slice(5));
}

/** Polls until every probe reports `expected` members; returns how long that took. */
async function untilSizes(probes: WsTestClient[], expected: number, timeoutMs: number): Promise<number> {
  const startedAt = Date.now();
  for (;;) {
    const sizes = await Promise.all(probes.map(roomSizeSeenBy));
    if (sizes.every((size) => size === expected)) return Date.now() - startedAt;
    if (Date.now() - startedAt > timeoutMs) assert.fail(`room sizes ${sizes.join(", ")} after ${timeoutMs} ms, expected ${expected} everywhere`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("three nylon nodes sharing rooms through Redis", () => {
  let redis: RedisServer;
  let nodes: NylonProcess[] = [];
  const clients: WsTestClient[] = [];
  const connect = async (node: NylonProcess, path: string) => {
    const client = await WsTestClient.connect(`${node.wsUrl}${path}`);
    clients.push(client);
    return client;
  };

  before(async () => {
    redis = await RedisServer.start();
    const config = clusterConfig(redis.port, `cluster-test-${randomUUID()}`);
    nodes = await Promise.all([0, 1, 2].map(() => startNylon(config)));
  });
  after(async () => {
    for (const client of clients) client.close().catch(() => {});
    await Promise.all(nodes.map((node) => node.stop()));
    await redis.stop();
  });

  it("clients connected to different nodes chat with each other", async () => {
    const probes = await Promise.all(nodes.map((node) => connect(node, "/probe?room=general")));
    const [alice, bob, carol] = await Promise.all(nodes.map((node) => connect(node, "/chat")));
    // Every node has members now; once each sees all six, each is subscribed to the room.
    await untilSizes(probes, 6, 5000);
    alice!.send("hello from node 1");
    for (const client of [alice!, bob!, carol!]) await nextMatching(client, (m) => m === "hello from node 1");
    carol!.send("hello from node 3");
    for (const client of [alice!, bob!, carol!]) await nextMatching(client, (m) => m === "hello from node 3");
    await bob!.close();
    for (const client of [alice!, carol!]) await nextMatching(client, (m) => m === "A user left the chat");
    await untilSizes(probes, 5, 5000);
  });

  it("a message sent to a connection id reaches it on another node", async () => {
    const [here, there] = await Promise.all([connect(nodes[0]!, "/probe?room=direct"), connect(nodes[1]!, "/probe?room=direct")]);
    there.send("/id");
    const id = (await nextMatching(there, (m) => m.startsWith("id "))).slice(3);
    here.send(`/to ${id} across the cluster`);
    assert.equal(await nextMatching(there, (m) => m === "across the cluster" || m.startsWith("unknown")), "across the cluster");
  });

  it("Redis stops and restarts: same-node chat never stops, cross-node chat comes back", async () => {
    const probes = await Promise.all(nodes.map((node) => connect(node, "/probe?room=outage")));
    const [alice, amy] = [await connect(nodes[0]!, "/probe?room=outage"), await connect(nodes[0]!, "/probe?room=outage")];
    const bob = await connect(nodes[1]!, "/probe?room=outage");
    await untilSizes(probes, 6, 5000);

    await redis.stop();
    for (let i = 0; i < 5; i++) {
      alice.send(`during outage ${i}`);
      assert.equal(await nextMatching(amy, (m) => m.startsWith("during outage")), `during outage ${i}`);
    }

    await redis.restart();
    // Back within the reconnect delay; the nodes re-register and resubscribe by themselves.
    const deadline = Date.now() + 10_000;
    for (let attempt = 0; ; attempt++) {
      alice.send(`after outage ${attempt}`);
      const got = await nextMatching(bob, (m) => m.startsWith("after outage"), 500).catch(() => undefined);
      if (got) break;
      assert.ok(Date.now() < deadline, "cross-node chat did not come back within 10 s of Redis returning");
    }
    await untilSizes(probes, 6, 5000);
  });

  it(`a node killed with SIGKILL: its clients leave the room sizes within ${DEAD_NODE_REMOVAL_BOUND_MS} ms`, async () => {
    const [one, two, victim] = nodes as [NylonProcess, NylonProcess, NylonProcess];
    const survivors = [await connect(one, "/probe?room=kill"), await connect(two, "/probe?room=kill")];
    for (let i = 0; i < 3; i++) await connect(victim, "/probe?room=kill");
    await untilSizes(survivors, 5, 5000);

    victim.child.kill("SIGKILL");
    const tookMs = await untilSizes(survivors, 2, DEAD_NODE_REMOVAL_BOUND_MS + 2000);
    assert.ok(tookMs <= DEAD_NODE_REMOVAL_BOUND_MS + 500, `took ${tookMs} ms`);
  });
});
