// Nodes of a room cluster for adapter tests: WebSocketHubs whose connections record what they are sent.
// "memory" is one hub seen as two nodes; "redis" is two hubs with their own RedisAdapter on one Redis,
// so one test suite, written against `nodes[0]` and `nodes[1]`, checks that both behave the same.
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import type { RedisSettings } from "../../runtime/config/schema.js";
import type { WsConnection } from "../../runtime/websocket/connection.js";
import { RedisAdapter } from "../../runtime/websocket/adapters/redis-adapter.js";
import type { RoomAdapter } from "../../runtime/websocket/room-adapter.js";
import { WebSocketHub } from "../../runtime/websocket/websocket-hub.js";
import { DEFAULT_WEBSOCKET_SETTINGS } from "../../runtime/websocket/websocket-settings.js";

export type AdapterKind = "memory" | "redis";

/** The room namespace of the connections a test node opens unless told otherwise. */
export const TEST_NAMESPACE = "test";

/** A connection whose transport records every message it is sent. */
export interface RecordingClient {
  conn: WsConnection;
  node: TestNode;
  /** Text messages as strings, binary ones as "bin:<hex>". */
  received: string[];
}

export interface TestNode {
  hub: WebSocketHub;
  adapter: RoomAdapter;
  /** A connection owned by a plugin of `namespace` (TEST_NAMESPACE unless given). */
  connect(namespace?: string): RecordingClient;
  /** The client goes away: every room forgets it (what the hub does on close). */
  disconnect(client: RecordingClient): void;
}

export interface TestCluster {
  kind: AdapterKind;
  nodes: [TestNode, TestNode];
  /** Resolves once every node's cluster-wide work (Redis writes, subscriptions, notices) is done. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Log lines kept in memory, for tests that check what was logged. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

export function redisSettings(port: number, keyPrefix = `test:${randomUUID()}`): RedisSettings {
  return { host: "127.0.0.1", port, db: 0, key_prefix: keyPrefix, connect_timeout_ms: 2000 };
}

function testNode(hub: WebSocketHub, adapter: RoomAdapter): TestNode {
  const node: TestNode = {
    hub,
    adapter,
    connect(namespace = TEST_NAMESPACE) {
      const conn = hub.createConnection({ name: "test", roomNamespace: namespace }, DEFAULT_WEBSOCKET_SETTINGS, "127.0.0.1");
      const client: RecordingClient = { conn, node, received: [] };
      conn.transport = {
        bufferedAmount: 0,
        writable: true,
        send: (message) => client.received.push(message.binary ? `bin:${message.data.toString("hex")}` : message.data.toString()),
        close: () => {},
        terminate: () => {},
      };
      conn.state = "open";
      hub.registry.add(conn);
      return client;
    },
    disconnect(client) {
      client.conn.state = "closed";
      adapter.removeConnection(client.conn);
      hub.registry.remove(client.conn);
    },
  };
  return node;
}

export async function startRedisNode(settings: RedisSettings, logger: Logger = pino({ level: "silent" })): Promise<TestNode & { adapter: RedisAdapter }> {
  const hub = new WebSocketHub();
  const adapter = new RedisAdapter(settings, hub, logger);
  hub.useAdapter(adapter);
  await adapter.start();
  return testNode(hub, adapter) as TestNode & { adapter: RedisAdapter };
}

export async function stopNode(node: TestNode): Promise<void> {
  node.hub.stop();
  await node.adapter.stop();
}

export async function startCluster(kind: AdapterKind, redisPort?: number): Promise<TestCluster> {
  if (kind === "memory") {
    const hub = new WebSocketHub();
    const node = testNode(hub, hub.adapter);
    return { kind, nodes: [node, node], settle: async () => {}, stop: () => stopNode(node) };
  }
  const settings = redisSettings(redisPort!);
  const nodes: [TestNode & { adapter: RedisAdapter }, TestNode & { adapter: RedisAdapter }] = [
    await startRedisNode(settings),
    await startRedisNode(settings),
  ];
  const settle = async () => {
    // Two rounds: the first lets each node's writes and notices reach Redis, the second lets every
    // node read what the others published in the first.
    for (let round = 0; round < 2; round++) for (const node of nodes) await node.adapter.settled();
  };
  await eventually(async () => {
    await settle();
    if (!nodes.every((n) => n.adapter.knowsNode(nodes[0].hub.nodeId) && n.adapter.knowsNode(nodes[1].hub.nodeId))) {
      throw new Error("the nodes have not seen each other's heartbeat yet");
    }
  });
  return { kind, nodes, settle, stop: async () => void (await Promise.all(nodes.map(stopNode))) };
}

/** Retries `check` until it passes or `timeoutMs` runs out (then throws its last error). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
