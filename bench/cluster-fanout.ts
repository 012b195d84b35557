// Cluster fan-out: two server nodes sharing one Redis, S raw subscriber sockets split evenly between
// them in one room, and a publisher on node A sending 32-byte messages at a rate that steps up until
// fewer than 99 % of the deliveries arrive (the method of bench/ws-fanout.ts). Half the deliveries
// cross Redis. Compares nylon (adapter_type: redis, plugins/fanout-bench) with Socket.IO 4 +
// @socket.io/redis-adapter. Server CPU sums both nodes and redis-server.
//
//   node dist/bench/cluster-fanout.js [--subscribers 1000] [--seconds 5] [--rates 20,50,100,200,400,800,1600,3200]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { pinThisProcessToClientCore } from "./support/cpu-pinning.js";
import { FANOUT_PAYLOAD } from "./support/fanout-publisher.js";
import { benchEach, fanoutOptions, PLAIN_FANOUT, SOCKET_IO_FANOUT, stepRates, type FanoutProtocol, type StepResult } from "./support/fanout-steps.js";
import { freePort } from "./support/free-port.js";
import { machineLoad } from "./support/machine-load.js";
import { cpuMicroseconds } from "./support/proc-stats.js";
import { openRawConnections } from "./support/raw-connections.js";
import { compiledScriptPath, nylonCliPath, pluginWasmPath, repoRoot } from "./support/repo-paths.js";
import { spawnServer, type SpawnedServer } from "./support/spawn-server.js";

/** A room subscription may still be crossing Redis to the second node when the warm-up starts. */
const WARM_UP_ATTEMPTS = 20;

const options = fanoutOptions(
  "cluster-fanout",
  "Cluster fan-out: two nodes sharing one Redis, S subscribers in one room split between them; nylon (adapter_type: redis) against Socket.IO with its Redis adapter.",
  "20,50,100,200,400,800,1600,3200",
);

/** Two nodes and their Redis, all stopped together. */
interface Cluster {
  urls: [string, string];
  pids: number[];
  stop(): Promise<void>;
}

interface ClusterPeer {
  name: string;
  /** The cluster, or why it can't run here. */
  start(redis: SpawnedServer): Promise<Cluster | string>;
  protocol: FanoutProtocol;
}

async function startRedis(): Promise<SpawnedServer> {
  const port = await freePort();
  return spawnServer({ command: "redis-server", args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], port });
}

async function startNylonCluster(redis: SpawnedServer): Promise<Cluster | string> {
  const missing = [nylonCliPath, pluginWasmPath("fanout-bench")].filter((path) => !existsSync(path));
  if (missing.length > 0) return `not built: ${missing.join(", ")}`;
  const configDir = mkdtempSync(join(tmpdir(), "nylon-cluster-"));
  const nodes: SpawnedServer[] = [];
  for (const name of ["a", "b"]) {
    const port = await freePort();
    const configPath = join(configDir, `${name}.yaml`);
    writeFileSync(
      configPath,
      stringify({
        http: [`127.0.0.1:${port}`],
        log: { level: "warn" },
        websocket: { adapter_type: "redis", redis: { host: "127.0.0.1", port: redis.port, key_prefix: "bench" } },
        plugins: [{ name: "fanout-bench", type: "wasm", file: pluginWasmPath("fanout-bench") }],
        services: [{ name: "fanout", service_type: "plugin", plugin: { name: "fanout-bench", entry: "fanout" } }],
        routes: [{ name: "bench", route: { type: "host", value: "*" }, paths: [{ path: "/fanout", service: { name: "fanout" } }] }],
      }),
    );
    // Loading the plugin component takes a while on a busy machine.
    nodes.push(await spawnServer({ command: process.execPath, args: [nylonCliPath, "run", "--config", configPath], port, cwd: repoRoot, readyTimeoutMs: 60_000 }));
  }
  return {
    urls: [`ws://127.0.0.1:${nodes[0]!.port}/fanout`, `ws://127.0.0.1:${nodes[1]!.port}/fanout`],
    pids: nodes.map((node) => node.pid),
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

async function startSocketIoCluster(redis: SpawnedServer): Promise<Cluster | string> {
  try {
    createRequire(import.meta.url).resolve("@socket.io/redis-adapter");
  } catch {
    return "@socket.io/redis-adapter is not installed (npm install --no-save @socket.io/redis-adapter@8.3.0)";
  }
  const nodes: SpawnedServer[] = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const script = compiledScriptPath("bench/servers/socketio-fanout");
    nodes.push(await spawnServer({ command: process.execPath, args: [script, String(port), String(redis.port)], port }));
  }
  const path = "/socket.io/?EIO=4&transport=websocket";
  return {
    urls: [`ws://127.0.0.1:${nodes[0]!.port}${path}`, `ws://127.0.0.1:${nodes[1]!.port}${path}`],
    pids: nodes.map((node) => node.pid),
    stop: async () => void (await Promise.all(nodes.map((node) => node.stop()))),
  };
}

const peers: ClusterPeer[] = [
  { name: "nylon", start: startNylonCluster, protocol: PLAIN_FANOUT },
  { name: "socket.io", start: startSocketIoCluster, protocol: SOCKET_IO_FANOUT },
];

async function benchPeer(peer: ClusterPeer): Promise<StepResult[]> {
  const redis = await startRedis();
  const cluster = await peer.start(redis).catch((error: Error) => error.message);
  if (typeof cluster === "string") {
    console.log(`${peer.name}: not measured (${cluster})`);
    await redis.stop();
    return [];
  }
  try {
    const half = Math.floor(options.subscriberCount / 2);
    const onA = await openRawConnections(cluster.urls[0], half + 1);
    const onB = await openRawConnections(cluster.urls[1], options.subscriberCount - half);
    const [publisher, ...subscribers] = [...onA, ...onB].map(({ socket }) => socket);
    return await stepRates({
      name: peer.name,
      protocol: peer.protocol,
      publisher: publisher!,
      subscribers,
      serverCpu: () => [...cluster.pids, redis.pid].reduce((sum, pid) => sum + cpuMicroseconds(pid), 0),
      options,
      warmUpAttempts: WARM_UP_ATTEMPTS,
      labels: { subscribers: " (2 nodes)", serverCpu: " (nodes + redis)" },
    });
  } finally {
    await cluster.stop();
    await redis.stop();
  }
}

console.log(
  `# cluster-fanout: ${pinThisProcessToClientCore()}; ${machineLoad()}; ${options.subscriberCount} subscribers on 2 nodes + redis, ` +
    `${FANOUT_PAYLOAD.length} B messages, ${options.seconds} s per rate`,
);
await benchEach(peers, benchPeer);
