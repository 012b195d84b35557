// WebSocket echo throughput and server CPU per message: plain `ws` vs nylon's echo plugin in each
// guest language it is built in (plugins/echo, plugins/echo-rust, plugins/echo-go), same run.
// The raw pipelined client of anchors-and-numbers Appendix A: N raw connections, a window of W
// pre-masked text frames each, the next window written once the previous one's reply bytes are all
// back (counted, never parsed), for T seconds after a warm-up.
//
//   node dist/bench/ws-echo.js [--seconds 5] [--connections 50] [--window 16] [--sizes 64,4096]
import { setTimeout as sleep } from "node:timers/promises";
import { buildFrame, Opcode } from "../test/websocket/frame-builder.js";
import { echoText } from "../test/websocket/targets.js";
import { startNylonServer, startScriptServer, type ServerUnderTest } from "./support/bench-servers.js";
import { guestBuilds } from "./support/guest-builds.js";
import { pinThisProcessToClientCore } from "./support/cpu-pinning.js";
import { machineLoad } from "./support/machine-load.js";
import { serverFrameBytes } from "./support/frame-sizes.js";
import { cpuMicroseconds } from "./support/proc-stats.js";
import { openRawConnections } from "./support/raw-connections.js";
import { benchOptions } from "./support/bench-options.js";

const WARMUP_MS = 1000;
/** Target for the Rust echo: nylon may spend at most 1.25× the CPU of plain `ws` per echoed message. */
const MAX_CPU_RATIO = 1.25;
/** Any fixed key will do; masking once up front keeps the client's per-message cost at zero. */
const MASK_KEY = Buffer.from([0x12, 0x34, 0x56, 0x78]);

const options = benchOptions("ws-echo", "WebSocket echo: server CPU per message, nylon's echo plugin against plain ws, in the same run.", {
  seconds: { default: "5", description: "seconds measured per server and size" },
  connections: { default: "50", description: "raw connections" },
  window: { default: "16", description: "frames in flight per connection" },
  sizes: { default: "64,4096", description: "message sizes in bytes" },
});
const seconds = Number(options.seconds);
const connections = Number(options.connections);
const window = Number(options.window);
const sizes = options.sizes.split(",").map(Number);

interface EchoResult {
  messagesPerSecond: number;
  serverCpuPercent: number;
  serverCpuMicrosPerMessage: number;
}

async function measureEcho(server: ServerUnderTest, size: number): Promise<EchoResult> {
  const message = "x".repeat(size);
  const batch = Buffer.concat(Array.from({ length: window }, () => buildFrame({ opcode: Opcode.text, payload: message, mask: MASK_KEY })));
  const batchReplyBytes = window * serverFrameBytes(Buffer.byteLength(echoText(message)));
  const sockets = (await openRawConnections(server.url, connections)).map(({ socket }) => socket);
  let echoed = 0;
  let running = true;
  for (const socket of sockets) {
    let unaccounted = 0;
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      unaccounted += chunk.length;
      while (unaccounted >= batchReplyBytes) {
        unaccounted -= batchReplyBytes;
        echoed += window;
        if (running) socket.write(batch);
      }
    });
    socket.write(batch);
  }
  await sleep(WARMUP_MS);
  const [cpuBefore, echoedBefore, startedAt] = [cpuMicroseconds(server.pid), echoed, performance.now()];
  await sleep(seconds * 1000);
  const [cpuAfter, echoedAfter, endedAt] = [cpuMicroseconds(server.pid), echoed, performance.now()];
  running = false;
  for (const socket of sockets) socket.destroy();
  const messages = echoedAfter - echoedBefore;
  const elapsedMicros = (endedAt - startedAt) * 1000;
  return {
    messagesPerSecond: (messages * 1e6) / elapsedMicros,
    serverCpuPercent: ((cpuAfter - cpuBefore) / elapsedMicros) * 100,
    serverCpuMicrosPerMessage: (cpuAfter - cpuBefore) / messages,
  };
}

async function benchServer(server: ServerUnderTest | string, name: string): Promise<Map<number, EchoResult>> {
  const results = new Map<number, EchoResult>();
  if (typeof server === "string") {
    console.log(`${name}: not measured (${server})`);
    return results;
  }
  try {
    for (const size of sizes) {
      const result = await measureEcho(server, size);
      results.set(size, result);
      console.log(
        `${name.padEnd(16)} ${connections} conns × window ${window}, ${size} B: ${Math.round(result.messagesPerSecond).toLocaleString("en")} msgs/s, ` +
          `server CPU ${result.serverCpuPercent.toFixed(0)} %, ${result.serverCpuMicrosPerMessage.toFixed(2)} µs/msg`,
      );
      await sleep(500); // let the closed connections drain before the next size
    }
  } finally {
    await server.stop();
  }
  return results;
}

console.log(`# ws-echo: ${pinThisProcessToClientCore()}; ${machineLoad()}; ${seconds} s per run after ${WARMUP_MS} ms warm-up`);
const ws = await benchServer(await startScriptServer("ws", "bench/servers/ws-echo", "/ws"), "ws");
const { builds, missing } = guestBuilds("echo");
for (const language of missing) console.log(`nylon ${language}: not measured (its echo build is missing)`);
const nylon = new Map<string, Map<number, EchoResult>>();
for (const build of builds) {
  nylon.set(build.language, await benchServer(await startNylonServer({ plugin: build.plugin, entry: "echo", path: "/ws" }), `nylon ${build.language}`));
}
for (const size of sizes) {
  const base = ws.get(size);
  for (const [language, results] of nylon) {
    const candidate = results.get(size);
    if (!base || !candidate) continue;
    const ratio = candidate.serverCpuMicrosPerMessage / base.serverCpuMicrosPerMessage;
    const target = language === "Rust" ? ` (target ≤ ${MAX_CPU_RATIO}×: ${ratio <= MAX_CPU_RATIO ? "met" : "NOT met"})` : "";
    console.log(`${size} B: nylon ${language} / ws CPU per message = ${ratio.toFixed(2)}×${target}`);
  }
}
console.log(`# finished; ${machineLoad()}`);
