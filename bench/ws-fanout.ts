// Room fan-out: S raw subscriber sockets in one room, and a publisher client sending 32-byte messages
// at a fixed rate that steps up until fewer than 99 % of the deliveries arrive. Reports deliveries/s
// and server CPU µs per delivery for nylon (plugins/fanout-bench), Socket.IO 4 and a naive `ws` loop.
// Every server re-broadcasts what the publisher sends to the rest of the room (sender excluded),
// because nylon plugins can't run timers.
//
// With --workers 1,2 nylon is measured once per worker count in the same run: with several workers the
// subscribers spread over them (node:cluster hands connections out in turn), so most deliveries cross
// from the publisher's worker to another through the in-node room adapter. The server CPU is every
// nylon process summed (primary and workers). All server processes share the server core, as the
// single-process servers do: the figures show what crossing workers costs, not what a second core gains.
//
//   node dist/bench/ws-fanout.js [--subscribers 1000] [--seconds 5] [--rates 20,50,100,200,400,800,1600] [--workers 1,2]
import { startNylonServer, startScriptServer, type ServerUnderTest } from "./support/bench-servers.js";
import { pinThisProcessToClientCore } from "./support/cpu-pinning.js";
import { FANOUT_PAYLOAD } from "./support/fanout-publisher.js";
import { benchEach, fanoutOptions, PLAIN_FANOUT, SOCKET_IO_FANOUT, stepRates, type FanoutProtocol, type StepResult } from "./support/fanout-steps.js";
import { machineLoad } from "./support/machine-load.js";
import { cpuMicroseconds } from "./support/proc-stats.js";
import { openRawConnections } from "./support/raw-connections.js";

const options = fanoutOptions(
  "ws-fanout",
  "Room fan-out: S subscribers in one room, a publisher stepping up its rate; deliveries/s and server CPU per delivery for nylon, Socket.IO and a plain ws loop.",
  "20,50,100,200,400,800,1600",
  true,
);

interface FanoutPeer {
  name: string;
  start: () => Promise<ServerUnderTest | string>;
  protocol: FanoutProtocol;
}

const peers: FanoutPeer[] = [
  ...options.workerCounts.map((workers) => ({
    name: workers === 1 && options.workerCounts.length === 1 ? "nylon" : `nylon ${workers} worker${workers > 1 ? "s" : ""}`,
    start: () => startNylonServer({ plugin: "fanout-bench", entry: "fanout", path: "/fanout" }, workers),
    protocol: PLAIN_FANOUT,
  })),
  {
    name: "socket.io",
    start: () => startScriptServer("socket.io", "bench/servers/socketio-fanout", "/socket.io/?EIO=4&transport=websocket"),
    protocol: SOCKET_IO_FANOUT,
  },
  { name: "ws", start: () => startScriptServer("ws", "bench/servers/ws-fanout", "/fanout"), protocol: PLAIN_FANOUT },
];

async function benchPeer(peer: FanoutPeer): Promise<StepResult[]> {
  const server = await peer.start();
  if (typeof server === "string") {
    console.log(`${peer.name}: not measured (${server})`);
    return [];
  }
  try {
    const [publisher, ...subscribers] = (await openRawConnections(server.url, options.subscriberCount + 1)).map(({ socket }) => socket);
    return await stepRates({
      name: peer.name,
      protocol: peer.protocol,
      publisher: publisher!,
      subscribers,
      serverCpu: () => cpuMicroseconds(server.pid),
      options,
      warmUpAttempts: 1,
    });
  } finally {
    await server.stop();
  }
}

console.log(
  `# ws-fanout: ${pinThisProcessToClientCore()}; ${machineLoad()}; ${options.subscriberCount} subscribers, ${FANOUT_PAYLOAD.length} B messages, ${options.seconds} s per rate`,
);
await benchEach(peers, benchPeer);
