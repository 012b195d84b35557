// Room fan-out: S raw subscriber sockets in one room, and a publisher client sending 32-byte messages
// at a fixed rate that steps up until fewer than 99 % of the deliveries arrive. Reports deliveries/s
// and server CPU µs per delivery for nylon (plugins/fanout-bench), Socket.IO 4 and a naive `ws` loop.
// Every server re-broadcasts what the publisher sends to the rest of the room (sender excluded),
// because nylon plugins can't run timers.
//
//   node dist/bench/ws-fanout.js [--subscribers 1000] [--seconds 5] [--rates 20,50,100,200,400,800,1600]
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { DELIVERED_THRESHOLD, FANOUT_PAYLOAD as PAYLOAD, maskedText, publish, settled, STRAGGLER_GRACE_MS } from "./support/fanout-publisher.js";
import { startNylonServer, startScriptServer, type ServerUnderTest } from "./support/bench-servers.js";
import { pinThisProcessToClientCore } from "./support/cpu-pinning.js";
import { machineLoad } from "./support/machine-load.js";
import { serverFrameBytes } from "./support/frame-sizes.js";
import { cpuMicroseconds } from "./support/proc-stats.js";
import { openRawConnections } from "./support/raw-connections.js";


const { values: options } = parseArgs({
  options: {
    subscribers: { type: "string", default: "1000" },
    seconds: { type: "string", default: "5" },
    rates: { type: "string", default: "20,50,100,200,400,800,1600" },
  },
});
const subscriberCount = Number(options.subscribers);
const seconds = Number(options.seconds);
const rates = options.rates.split(",").map(Number);

/** How a client joins and publishes on one server, and what one delivery looks like on the wire. */
interface FanoutPeer {
  name: string;
  start: () => Promise<ServerUnderTest | string>;
  /** Text a client sends right after the upgrade to enter the room, if the protocol needs it. */
  joinMessage?: string;
  publishedMessage: string;
  deliveredMessage: string;
}

const sioEvent = JSON.stringify(["m", PAYLOAD]);
const peers: FanoutPeer[] = [
  {
    name: "nylon",
    start: () => startNylonServer({ plugin: "fanout-bench", entry: "fanout", path: "/fanout" }),
    publishedMessage: PAYLOAD,
    deliveredMessage: PAYLOAD,
  },
  {
    name: "socket.io",
    start: () => startScriptServer("socket.io", "bench/servers/socketio-fanout", "/socket.io/?EIO=4&transport=websocket"),
    joinMessage: "40", // engine.io "message" + socket.io "connect" to the main namespace
    publishedMessage: `42${sioEvent}`,
    deliveredMessage: `42${sioEvent}`,
  },
  {
    name: "ws",
    start: () => startScriptServer("ws", "bench/servers/ws-fanout", "/fanout"),
    publishedMessage: PAYLOAD,
    deliveredMessage: PAYLOAD,
  },
];

interface StepResult {
  rate: number;
  deliveredShare: number;
  deliveriesPerSecond: number;
  serverCpuPercent: number;
  serverCpuMicrosPerDelivery: number;
  clientCpuPercent: number;
}

async function benchPeer(peer: FanoutPeer): Promise<StepResult[]> {
  const server = await peer.start();
  if (typeof server === "string") {
    console.log(`${peer.name}: not measured (${server})`);
    return [];
  }
  const results: StepResult[] = [];
  const deliveredFrameBytes = serverFrameBytes(Buffer.byteLength(peer.deliveredMessage));
  const publishFrame = maskedText(peer.publishedMessage);
  try {
    const [publisher, ...subscribers] = (await openRawConnections(server.url, subscriberCount + 1)).map(({ socket }) => socket);
    let receivedBytes = 0;
    for (const socket of [publisher!, ...subscribers]) {
      socket.on("error", () => {});
      if (peer.joinMessage) socket.write(maskedText(peer.joinMessage));
    }
    publisher!.on("data", () => {}); // the sender is excluded; consume whatever else it gets
    for (const socket of subscribers) socket.on("data", (chunk: Buffer) => (receivedBytes += chunk.length));
    await settled(() => receivedBytes); // join acknowledgements and the like are not deliveries

    // Warm-up: one message must reach every subscriber, proving they are all in the room.
    receivedBytes = 0;
    await publish(publisher!, publishFrame, 1000, 1);
    await settled(() => receivedBytes);
    if (receivedBytes !== subscriberCount * deliveredFrameBytes) {
      throw new Error(`warm-up reached ${receivedBytes / deliveredFrameBytes} of ${subscriberCount} subscribers`);
    }

    for (const rate of rates) {
      const expected = rate * seconds * subscriberCount;
      receivedBytes = 0;
      const [cpuBefore, clientCpuBefore, startedAt] = [cpuMicroseconds(server.pid), process.cpuUsage(), performance.now()];
      await publish(publisher!, publishFrame, rate, rate * seconds);
      const graceEnds = Date.now() + STRAGGLER_GRACE_MS;
      while (receivedBytes < expected * deliveredFrameBytes && Date.now() < graceEnds) await sleep(20);
      const elapsedMicros = (performance.now() - startedAt) * 1000;
      const serverCpu = cpuMicroseconds(server.pid) - cpuBefore;
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const delivered = receivedBytes / deliveredFrameBytes;
      const result: StepResult = {
        rate,
        deliveredShare: delivered / expected,
        deliveriesPerSecond: delivered / seconds,
        serverCpuPercent: (serverCpu / elapsedMicros) * 100,
        serverCpuMicrosPerDelivery: serverCpu / delivered,
        clientCpuPercent: ((clientCpu.user + clientCpu.system) / elapsedMicros) * 100,
      };
      results.push(result);
      console.log(
        `${peer.name.padEnd(9)} ${String(rate).padStart(4)} pub/s × ${subscriberCount}: ` +
          `${Math.round(result.deliveriesPerSecond).toLocaleString("en")} deliveries/s (${(result.deliveredShare * 100).toFixed(1)} %), ` +
          `server CPU ${result.serverCpuPercent.toFixed(0)} %, ${result.serverCpuMicrosPerDelivery.toFixed(2)} µs/delivery, ` +
          `client CPU ${result.clientCpuPercent.toFixed(0)} %`,
      );
      if (result.deliveredShare < DELIVERED_THRESHOLD) break;
      await settled(() => receivedBytes); // backlog of this step must not count in the next
    }
    for (const socket of [publisher!, ...subscribers]) socket.destroy();
  } finally {
    await server.stop();
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

console.log(`# ws-fanout: ${pinThisProcessToClientCore()}; ${machineLoad()}; ${subscriberCount} subscribers, ${PAYLOAD.length} B messages, ${seconds} s per rate`);
const summaries: string[] = [];
for (const peer of peers) {
  const results = await benchPeer(peer);
  if (results.length > 0) summaries.push(summary(peer.name, results));
}
for (const line of summaries) console.log(line);
console.log(`# finished; ${machineLoad()}`);
