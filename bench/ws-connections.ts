// Memory per idle WebSocket connection: N raw connections held open against one server process
// (nylon with the echo plugin, then a plain `ws` echo server); reports the server's RSS growth / N.
// Needs a file-descriptor limit above N in both processes; raise it in the shell that starts the bench
// (the servers inherit it):
//
//   ulimit -n 20000 && node dist/bench/ws-connections.js [--connections 10000]
import { setTimeout as sleep } from "node:timers/promises";
import { startNylonServer, startScriptServer, type ServerUnderTest } from "./support/bench-servers.js";
import { pinThisProcessToClientCore } from "./support/cpu-pinning.js";
import { machineLoad } from "./support/machine-load.js";
import { rssBytes } from "./support/proc-stats.js";
import { openRawConnections } from "./support/raw-connections.js";
import { benchOptions } from "./support/bench-options.js";

const SETTLE_MS = 2000;

const options = benchOptions(
  "ws-connections",
  "Memory per idle WebSocket connection: N raw connections held open against nylon (echo plugin), then plain ws. Raise `ulimit -n` above N first.",
  { connections: { default: "10000", description: "connections held open" } },
);
const connectionCount = Number(options.connections);
const MiB = 1024 * 1024;

async function measureIdleConnections(server: ServerUnderTest | string, name: string): Promise<void> {
  if (typeof server === "string") {
    console.log(`${name}: not measured (${server})`);
    return;
  }
  try {
    await sleep(SETTLE_MS);
    const rssBefore = rssBytes(server.pid);
    const startedAt = performance.now();
    const connections = await openRawConnections(server.url, connectionCount);
    const openSeconds = (performance.now() - startedAt) / 1000;
    for (const { socket } of connections) socket.on("error", () => {});
    await sleep(SETTLE_MS);
    const rssAfter = rssBytes(server.pid);
    console.log(
      `${name.padEnd(6)} ${connectionCount} idle connections (opened in ${openSeconds.toFixed(1)} s): ` +
        `RSS ${(rssBefore / MiB).toFixed(1)} → ${(rssAfter / MiB).toFixed(1)} MiB, ${((rssAfter - rssBefore) / connectionCount / 1024).toFixed(1)} KiB per connection`,
    );
    for (const { socket } of connections) socket.destroy();
  } finally {
    await server.stop();
  }
}

console.log(`# ws-connections: ${pinThisProcessToClientCore()}; ${machineLoad()}`);
await measureIdleConnections(await startNylonServer({ plugin: "echo", entry: "echo", path: "/ws" }), "nylon");
await measureIdleConnections(await startScriptServer("ws", "bench/servers/ws-echo", "/ws"), "ws");
console.log(`# finished; ${machineLoad()}`);
