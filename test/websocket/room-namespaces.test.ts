// Every plugin has rooms of its own, on one node (memory adapter), across the workers of a node
// (`workers: 2`, rooms in memory) and across nodes (Redis adapter): two plugins that both use room
// "general" neither see nor count nor reach each other's members, unless the config gives them one
// `room_namespace`. Real nylon processes, real sockets, real Redis.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { RedisServer } from "../cluster/redis-server.js";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { nodeOf, startNode } from "../workers/node-support.js";
import { nextMatching, WsTestClient } from "../support/ws-test-client.js";

const PROBE = `"{{ROOT}}/test/plugins/room-probe/room-probe.wasm"`;

/**
 * alpha and beta have their own namespaces; gamma and delta share one. All four run room-probe. With
 * `workers`, the log says when the node serves (info).
 */
function config(adapter: string, workers = 1): string {
  return `
http: ["127.0.0.1:{{PORT}}"]
workers: ${workers}
log: { level: ${workers > 1 ? "info" : "warn"} }
websocket: ${adapter}
plugins:
  - { name: alpha, type: wasm, file: ${PROBE} }
  - { name: beta, type: wasm, file: ${PROBE} }
  - { name: gamma, type: wasm, file: ${PROBE}, room_namespace: team }
  - { name: delta, type: wasm, file: ${PROBE}, room_namespace: team }
services:
${["alpha", "beta", "gamma", "delta"].map((name) => `  - { name: ${name}, service_type: plugin, plugin: { name: ${name}, entry: probe } }`).join("\n")}
routes:
  - name: probes
    route: { type: host, value: "*" }
    paths:
${["alpha", "beta", "gamma", "delta"].map((name) => `      - { path: /${name}, service: { name: ${name} } }`).join("\n")}
`;
}

async function ask(client: WsTestClient, question: string, answer: string): Promise<string> {
  client.send(question);
  return (await nextMatching(client, (m) => m.startsWith(`${answer} `))).slice(answer.length + 1);
}

for (const kind of ["memory", "workers", "redis"] as const) {
  describe(`room namespaces: ${kind} adapter`, () => {
    let redis: RedisServer | undefined;
    /**
     * With Redis two nodes, so every check crosses nodes; with memory one node serves both sides; with
     * workers one node of two, and each side is a worker of its own.
     */
    let nodes: NylonProcess[] = [];
    const clients: WsTestClient[] = [];
    /** With workers: the room-adapter node id of the first side's worker, once a client landed there. */
    let firstWorker: string | undefined;
    const connect = async (side: 0 | 1, plugin: string, room = "general") => {
      const node = nodes[side === 0 ? 0 : nodes.length - 1]!;
      for (let attempt = 0; ; attempt++) {
        const client = await WsTestClient.connect(`${node.wsUrl}/${plugin}?room=${room}`);
        if (kind !== "workers") return clients.push(client), client;
        // The node hands connections to its workers in turn: keep the one on the side's worker.
        const worker = nodeOf(await ask(client, "/id", "id"));
        firstWorker ??= worker;
        if ((worker === firstWorker) === (side === 0)) return clients.push(client), client;
        await client.close();
        assert.ok(attempt < 10, "connections did not reach both workers");
      }
    };

    before(async () => {
      if (kind === "memory" || kind === "workers") {
        nodes = [kind === "workers" ? await startNode(config("{ adapter_type: memory }", 2)) : await startNylon(config("{ adapter_type: memory }"))];
        return;
      }
      redis = await RedisServer.start();
      const adapter = `{ adapter_type: redis, redis: { host: 127.0.0.1, port: ${redis.port}, key_prefix: "ns-${randomUUID()}" } }`;
      nodes = await Promise.all([0, 1].map(() => startNylon(config(adapter))));
    });
    after(async () => {
      await Promise.all(clients.map((client) => client.close().catch(() => {})));
      await Promise.all(nodes.map((node) => node.stop()));
      await redis?.stop();
    });

    /** Waits until the client counts `expected` members (Redis counts of other nodes arrive by pub/sub). */
    async function untilSize(client: WsTestClient, expected: number): Promise<void> {
      const deadline = Date.now() + 5000;
      for (;;) {
        const size = Number(await ask(client, "/size", "size"));
        if (size === expected) return;
        assert.ok(Date.now() < deadline, `room size ${size}, expected ${expected}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    it("two plugins' rooms of the same name are two rooms: broadcasts, sizes, rooms() and sendTo stay apart", async () => {
      const alice = await connect(0, "alpha");
      const bob = await connect(1, "beta");
      // An alpha member on bob's node: the broadcast reaching it shows it reached bob's node too.
      const witness = await connect(1, "alpha");
      await untilSize(alice, 2);
      await untilSize(bob, 1);
      assert.equal(await ask(alice, "/rooms", "rooms"), "general");
      assert.equal(await ask(bob, "/rooms", "rooms"), "general");

      alice.send("alpha speaking");
      await nextMatching(witness, (m) => m === "alpha speaking");
      // Bob's own broadcast comes back to him after anything queued to him before it.
      bob.send("beta speaking");
      assert.equal(await nextMatching(bob, (m) => !m.startsWith("size ") && !m.startsWith("rooms ")), "beta speaking");

      // A guessed (here: leaked) connection id of another plugin is refused or dropped, never delivered.
      const bobId = await ask(bob, "/id", "id");
      const witnessId = await ask(witness, "/id", "id");
      alice.send(`/to ${bobId} guessed`);
      alice.send(`/to ${witnessId} after the guess`);
      assert.equal(await nextMatching(witness, (m) => m.includes("guess")), "after the guess");
      if (kind === "memory") assert.equal(await nextMatching(alice, (m) => m.startsWith("unknown ")), `unknown ${bobId}`);
      bob.send("/size");
      assert.equal(await nextMatching(bob, (m) => m.includes("guess") || m.startsWith("size ")), "size 1");
    });

    it("plugins given one room_namespace share their rooms, across nodes too", async () => {
      const carol = await connect(0, "gamma", "shared");
      const dave = await connect(1, "delta", "shared");
      await untilSize(carol, 2);
      await untilSize(dave, 2);
      carol.send("gamma speaking");
      assert.equal(await nextMatching(dave, (m) => m === "gamma speaking"), "gamma speaking");
      const daveId = await ask(dave, "/id", "id");
      carol.send(`/to ${daveId} direct`);
      assert.equal(await nextMatching(dave, (m) => m === "direct"), "direct");
      assert.equal(await ask(dave, "/rooms", "rooms"), "shared");
    });
  });
}
