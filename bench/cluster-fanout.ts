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
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { DELIVERED_THRESHOLD, FANOUT_PAYLOAD as PAYLOAD, maskedText, publish, settled, STRAGGLER_GRACE_MS } from "./support/fanout-publisher.js";
import { pinThisProcessToClientCore } from "./support/cpu-pinning.js";
import { serverFrameBytes } from "./support/frame-sizes.js";
import { freePort } from "./support/free-port.js";
import { machineLoad } from "./support/machine-load.js";
import { cpuMicroseconds } from "./support/proc-stats.js";
import { openRawConnections } from "./support/raw-connections.js";
import { compiledScriptPath, nylonCliPath, pluginWasmPath, repoRoot } from "./support/repo-paths.js";
import { spawnServer, type SpawnedServer } from "./support/spawn-server.js";

const WARM_UP_ATTEMPTS = 20;

const { values: options } = parseArgs({
  options: {
    subscribers: { type: "string", default: "1000" },
    seconds: { type: "string", default: "5" },
    rates: { type: "string", default: "20,50,100,200,400,800,1600,3200" },
  },
});
const subscriberCount = Number(options.subscribers);
const seconds = Number(options.seconds);
const rates = options.rates.split(",").map(Number);

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
  joinMessage?: string;
  publishedMessage: string;
  deliveredMessage: string;
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

const sioEvent = JSON.stringify(["m", PAYLOAD]);
const peers: ClusterPeer[] = [
  { name: "nylon", start: startNylonCluster, publishedMessage: PAYLOAD, deliveredMessage: PAYLOAD },
  {
    name: "socket.io",
    start: startSocketIoCluster,
    joinMessage: "40", // engine.io "message" + socket.io "connect" to the main namespace
    publishedMessage: `42${sioEvent}`,
    deliveredMessage: `42${sioEvent}`,
  },
];

interface StepResult {
  rate: number;
  deliveredShare: number;
  deliveriesPerSecond: number;
  serverCpuPercent: number;
  serverCpuMicrosPerDelivery: number;
}

async function benchPeer(peer: ClusterPeer): Promise<StepResult[]> {
  const redis = await startRedis();
  const cluster = await peer.start(redis).catch((error: Error) => error.message);
  if (typeof cluster === "string") {
    console.log(`${peer.name}: not measured (${cluster})`);
    await redis.stop();
    return [];
  }
  const results: StepResult[] = [];
  const deliveredFrameBytes = serverFrameBytes(Buffer.byteLength(peer.deliveredMessage));
  const publishFrame = maskedText(peer.publishedMessage);
  const serverCpu = () => [...cluster.pids, redis.pid].reduce((sum, pid) => sum + cpuMicroseconds(pid), 0);
  try {
    const half = Math.floor(subscriberCount / 2);
    const onA = await openRawConnections(cluster.urls[0], half + 1);
    const onB = await openRawConnections(cluster.urls[1], subscriberCount - half);
    const [publisher, ...subscribers] = [...onA, ...onB].map(({ socket }) => socket);
    let receivedBytes = 0;
    for (const socket of [publisher!, ...subscribers]) {
      socket.on("error", () => {});
      if (peer.joinMessage) socket.write(maskedText(peer.joinMessage));
    }
    publisher!.on("data", () => {}); // the sender is excluded; consume whatever else it gets
    for (const socket of subscribers) socket.on("data", (chunk: Buffer) => (receivedBytes += chunk.length));
    await settled(() => receivedBytes);

    // Warm-up: one message must reach every subscriber on both nodes (the second node's subscription
    // to the room may still be on its way, so this is retried).
    for (let attempt = 1; ; attempt++) {
      receivedBytes = 0;
      await publish(publisher!, publishFrame, 1000, 1);
      await settled(() => receivedBytes);
      if (receivedBytes === subscriberCount * deliveredFrameBytes) break;
      if (attempt === WARM_UP_ATTEMPTS) throw new Error(`warm-up reached ${receivedBytes / deliveredFrameBytes} of ${subscriberCount} subscribers`);
    }

    for (const rate of rates) {
      const expected = rate * seconds * subscriberCount;
      receivedBytes = 0;
      const [cpuBefore, startedAt] = [serverCpu(), performance.now()];
      await publish(publisher!, publishFrame, rate, rate * seconds);
      const graceEnds = Date.now() + STRAGGLER_GRACE_MS;
      while (receivedBytes < expected * deliveredFrameBytes && Date.now() < graceEnds) await sleep(20);
      const elapsedMicros = (performance.now() - startedAt) * 1000;
      const cpu = serverCpu() - cpuBefore;
      const delivered = receivedBytes / deliveredFrameBytes;
      const result: StepResult = {
        rate,
        deliveredShare: delivered / expected,
        deliveriesPerSecond: delivered / seconds,
        serverCpuPercent: (cpu / elapsedMicros) * 100,
        serverCpuMicrosPerDelivery: cpu / delivered,
      };
      results.push(result);
      console.log(
        `${peer.name.padEnd(9)} ${String(rate).padStart(4)} pub/s × ${subscriberCount} (2 nodes): ` +
          `${Math.round(result.deliveriesPerSecond).toLocaleString("en")} deliveries/s (${(result.deliveredShare * 100).toFixed(1)} %), ` +
          `server CPU ${result.serverCpuPercent.toFixed(0)} % (nodes + redis), ${result.serverCpuMicrosPerDelivery.toFixed(2)} µs/delivery`,
      );
      if (result.deliveredShare < DELIVERED_THRESHOLD) break;
      await settled(() => receivedBytes); // backlog of this step must not count in the next
    }
    for (const socket of [publisher!, ...subscribers]) socket.destroy();
  } finally {
    await cluster.stop();
    await redis.stop();
  }
  return results;
}

function summary(name: string, results: StepResult[]): string {
  const sustained = results.filter((result) => result.deliveredShare >= DELIVERED_THRESHOLD).at(-1);
  const broke = results.find((result) => result.deliveredShare < DELIVERED_THRESHOLD);
  const at = (result: StepResult) =>
    `${result.rate} pub/s: ${Math.round(result.deliveriesPerSecond).toLocaleString("en")} deliveries/s, ${result.serverCpuMicrosPerDelivery.toFixed(2)} µs/delivery`;
  return (
    `${name}: highest rate with ≥ 99 % delivered ${sustained ? at(sustained) : "none"}; ` +
    (broke ? `fell to ${(broke.deliveredShare * 100).toFixed(1)} % at ${at(broke)}` : "never fell below 99 %")
  );
}

console.log(
  `# cluster-fanout: ${pinThisProcessToClientCore()}; ${machineLoad()}; ${subscriberCount} subscribers on 2 nodes + redis, ` +
    `${PAYLOAD.length} B messages, ${seconds} s per rate`,
);
const summaries: string[] = [];
for (const peer of peers) {
  const results = await benchPeer(peer);
  if (results.length > 0) summaries.push(summary(peer.name, results));
}
for (const line of summaries) console.log(line);
console.log(`# finished; ${machineLoad()}`);
