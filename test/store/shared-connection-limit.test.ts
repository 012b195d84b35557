// plugins/rate-limited-ws-store (TypeScript), -go and -rust on two real `nylon run` nodes whose
// store is one real redis-server: the limit of 5 connections per client holds across the nodes (the
// 6th is refused whichever node it reaches), a closed connection frees its slot on the other node,
// and with Redis gone the plugin
// refuses (503) instead of letting connections through uncounted.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { connectOnceSlotFrees, connectRateLimited } from "../support/seed-clients.js";
import { closeAll, refusedUpgrade, type WsTestClient } from "../support/ws-test-client.js";
import { RedisServer } from "../cluster/redis-server.js";

function nodeConfig(redisPort: number, plugin: string): string {
  return `
http: ["127.0.0.1:{{PORT}}"]
log: { level: warn }
websocket:
  redis: { host: 127.0.0.1, port: ${redisPort}, connect_timeout_ms: 1000 }
store: { backend: redis, timeout_ms: 1000 }
plugins:
  - { name: limiter, type: wasm, file: "{{ROOT}}/plugins/${plugin}/${plugin}.wasm" }
services:
  - { name: limited, service_type: plugin, plugin: { name: limiter, entry: rate-limited-ws } }
routes:
  - name: main
    route: { type: host, value: "*" }
    paths:
      - { path: /rate-limited-ws, service: { name: limited } }
`;
}

for (const plugin of ["rate-limited-ws-store", "rate-limited-ws-store-go", "rate-limited-ws-store-rust"])
describe(`a connection limit counted in the store, shared by two nodes on Redis (${plugin})`, () => {
  let redis: RedisServer;
  let nodes: NylonProcess[] = [];

  before(async () => {
    redis = await RedisServer.start();
    nodes = await Promise.all([startNylon(nodeConfig(redis.port, plugin)), startNylon(nodeConfig(redis.port, plugin))]);
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await redis?.stop();
  });

  it("five connections spread over both nodes; the sixth is refused with 429 on either node; a close frees a slot for the other node", async () => {
    const [a, b] = nodes as [NylonProcess, NylonProcess];
    const clients: WsTestClient[] = [];
    for (const node of [a, b, a, b, a]) clients.push(await connectRateLimited(node.wsUrl));
    for (const node of [a, b]) {
      assert.deepEqual(await refusedUpgrade(`${node.wsUrl}/rate-limited-ws`), { status: 429, body: "Too many connections" });
    }
    // The refusals gave their slots back: still exactly one free slot after a close, taken on the other node.
    await clients.shift()!.close();
    clients.push(await connectOnceSlotFrees(b.wsUrl));
    assert.deepEqual(await refusedUpgrade(`${a.wsUrl}/rate-limited-ws`), { status: 429, body: "Too many connections" });
    await closeAll(clients);
    // Every slot comes back once the nodes have run onClose: five connect again.
    const again = [await connectOnceSlotFrees(a.wsUrl)];
    for (const node of [b, a, b, a]) again.push(await connectOnceSlotFrees(node.wsUrl));
    await closeAll(again);
  });

  it("with Redis down the plugin answers 503 (the count is unknown), and counts again once Redis is back", async () => {
    const [a] = nodes as [NylonProcess];
    await redis.stop();
    assert.deepEqual(await refusedUpgrade(`${a.wsUrl}/rate-limited-ws`), { status: 503, body: "Connection limit unavailable" });
    await redis.restart();
    const client = await connectOnceSlotFrees(a.wsUrl, 15_000);
    await client.close();
  });
});
