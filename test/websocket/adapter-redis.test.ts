// What only the Redis adapter has: room-aware routing, dead-node reaping, graceful removal, and
// staying up (locally) while Redis is away, then re-registering when it returns.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { outboundMessage } from "../../runtime/websocket/outbound-message.js";
import { encodeEnvelope, EnvelopeKind } from "../../runtime/websocket/adapters/redis-envelope.js";
import { RedisKeys } from "../../runtime/websocket/adapters/redis-keys.js";
import { DEAD_NODE_REMOVAL_BOUND_MS, HEARTBEAT_INTERVAL_MS } from "../../runtime/websocket/adapters/redis-membership.js";
import { RedisServer } from "../cluster/redis-server.js";
import { eventually, memoryLogger, redisSettings, startRedisNode, stopNode, type TestNode } from "./adapter-nodes.js";
import type { RedisAdapter } from "../../runtime/websocket/adapters/redis-adapter.js";
import type { RedisSettings } from "../../runtime/config/schema.js";

type RedisNode = TestNode & { adapter: RedisAdapter };
const text = (s: string) => outboundMessage(false, Buffer.from(s));

describe("redis adapter", () => {
  let redis: RedisServer;
  let settings: RedisSettings;
  let keys: RedisKeys;
  let inspector: Redis;
  const started: RedisNode[] = [];

  const startNode = async (logger = memoryLogger().logger) => {
    const node = await startRedisNode(settings, logger);
    started.push(node);
    return node;
  };
  const settleAll = async () => {
    for (let round = 0; round < 2; round++) for (const node of started) await node.adapter.settled();
  };
  const seeEachOther = (nodes: RedisNode[]) =>
    eventually(() => assert.ok(nodes.every((n) => nodes.every((m) => n.adapter.knowsNode(m.hub.nodeId)))));

  before(async () => {
    redis = await RedisServer.start();
    inspector = new Redis({ port: redis.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    inspector.on("error", () => {});
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map(stopNode));
  });
  after(async () => {
    inspector.disconnect();
    await redis.stop();
  });

  // Each test gets its own prefix, so leftovers of one never show up in another.
  const freshPrefix = () => {
    settings = redisSettings(redis.port);
    keys = new RedisKeys(settings.key_prefix);
  };

  it("a node without members in a room receives none of its traffic; one PUBLISH per broadcast", async () => {
    freshPrefix();
    const [a, b, c] = [await startNode(), await startNode(), await startNode()];
    await seeEachOther([a, b, c]);
    const [alice, bob] = [a.connect(), b.connect()];
    a.adapter.join(alice.conn, "busy");
    b.adapter.join(bob.conn, "busy");
    c.adapter.join(c.connect().conn, "quiet");
    await settleAll();
    const [, subscribers] = (await inspector.pubsub("NUMSUB", keys.roomChannel("busy"))) as [string, number];
    assert.equal(Number(subscribers), 2, "the room's channel has one subscriber per node with members");

    const before = { aPublished: a.adapter.stats.published, cReceived: c.adapter.stats.received };
    for (let i = 0; i < 100; i++) a.adapter.broadcast("busy", text(`m${i}`));
    await eventually(() => assert.equal(bob.received.length, 100));
    await settleAll();
    assert.equal(a.adapter.stats.published - before.aPublished, 100);
    assert.equal(c.adapter.stats.received - before.cReceived, 0);
  });

  it(`a dead node's members leave every room within ${DEAD_NODE_REMOVAL_BOUND_MS} ms, by the reaper, without a keyspace scan`, async () => {
    freshPrefix();
    const a = await startNode();
    const alice = a.connect();
    a.adapter.join(alice.conn, "wake");
    await settleAll();
    // A node that registered, then died: its heartbeat stops (here: a TTL of one beat that runs out).
    const dead = "00000000-dead-node-0000-000000000000";
    await inspector
      .multi()
      .set(keys.alive(dead), "1", "PX", HEARTBEAT_INTERVAL_MS)
      .sadd(keys.nodes, dead)
      .sadd(keys.roomsOf(dead), "wake")
      .hset(keys.sizes("wake"), dead, 2)
      .sadd(keys.members(dead, "wake"), `${dead}:1`, `${dead}:2`)
      .publish(keys.roomChannel("wake"), encodeEnvelope(EnvelopeKind.roomSize, dead, "", Buffer.from("2")))
      .exec();
    await eventually(() => assert.equal(a.adapter.roomSize("wake"), 3));
    const diedAt = Date.now();
    await eventually(() => assert.equal(a.adapter.roomSize("wake"), 1), DEAD_NODE_REMOVAL_BOUND_MS + 1000);
    assert.ok(Date.now() - diedAt <= DEAD_NODE_REMOVAL_BOUND_MS + 500, `took ${Date.now() - diedAt} ms`);
    assert.deepEqual(await a.adapter.roomMembers("wake"), [alice.conn.id]);
    assert.equal(await inspector.exists(keys.roomsOf(dead), keys.members(dead, "wake")), 0);
    assert.equal(await inspector.sismember(keys.nodes, dead), 0);
  });

  it("a node that stops gracefully takes its members out of every room at once", async () => {
    freshPrefix();
    const [a, b] = [await startNode(), await startNode()];
    await seeEachOther([a, b]);
    a.adapter.join(a.connect().conn, "bye");
    b.adapter.join(b.connect().conn, "bye");
    await settleAll();
    await eventually(() => assert.equal(a.adapter.roomSize("bye"), 2));
    started.splice(started.indexOf(b), 1);
    const stoppedAt = Date.now();
    await stopNode(b);
    await eventually(() => assert.equal(a.adapter.roomSize("bye"), 1), 1000);
    assert.ok(Date.now() - stoppedAt < 1000);
    assert.deepEqual(await inspector.hkeys(keys.sizes("bye")), [a.hub.nodeId]);
  });

  it("while Redis is away, local rooms keep working and broadcasts fail fast, counted and logged; afterwards nodes re-register and chat across again", async () => {
    freshPrefix();
    const logA = memoryLogger();
    const [a, b] = [await startNode(logA.logger), await startNode()];
    await seeEachOther([a, b]);
    const [alice, amy, bob] = [a.connect(), a.connect(), b.connect()];
    for (const c of [alice, amy, bob]) c.node.adapter.join(c.conn, "outage");
    await settleAll();

    await redis.stop();
    await eventually(() => assert.notEqual(a.adapter.stats.failures["connection (command)"] ?? 0, 0));
    const failuresBefore = a.adapter.stats.failures.publish ?? 0;
    // Nothing is awaited between the loop and the counts: every local delivery and every failed
    // publish happened inside the broadcast calls, none waits for Redis (a timing of the loop said
    // less and failed on a loaded machine).
    for (let i = 0; i < 1000; i++) a.adapter.broadcast("outage", text(`local ${i}`), alice.conn);
    assert.equal(amy.received.length, 1000);
    assert.equal((a.adapter.stats.failures.publish ?? 0) - failuresBefore, 1000);
    assert.ok(logA.lines.some((line) => line.includes('"kind":"publish"') && line.includes("NYLON_E_ADAPTER")));
    // Membership changes during the outage are applied locally and written once Redis is back.
    const latecomer = b.connect();
    b.adapter.join(latecomer.conn, "outage");

    await redis.restart(); // empty: this Redis lost everything
    await eventually(async () => {
      amy.received.length = 0;
      b.adapter.broadcast("outage", text("after"));
      await settleAll();
      assert.deepEqual(amy.received, ["after"]);
    }, 10_000, 200);
    await eventually(() => assert.equal(a.adapter.roomSize("outage"), 4), 5000);
    assert.deepEqual((await a.adapter.roomMembers("outage")).sort(), [alice, amy, bob, latecomer].map((c) => c.conn.id).sort());
  });

  it("starts while Redis is down without waiting for it, and joins the cluster when Redis comes up", async () => {
    await redis.stop();
    freshPrefix();
    const startedAt = Date.now();
    const a = await startNode();
    assert.ok(Date.now() - startedAt < 500);
    const [alice, amy] = [a.connect(), a.connect()];
    a.adapter.join(alice.conn, "early");
    a.adapter.join(amy.conn, "early");
    a.adapter.broadcast("early", text("local only"));
    assert.deepEqual(amy.received, ["local only"]);
    await redis.restart();
    const b = await startNode();
    await seeEachOther([a, b]);
    await eventually(() => assert.equal(b.adapter.roomSize("early"), 2));
  });
});
