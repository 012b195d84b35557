// One Socket.IO 4 node of the cluster fan-out benchmark (bench/cluster-fanout.ts), sharing rooms with
// the others through @socket.io/redis-adapter. Same protocol as bench/servers/socketio-fanout.ts: every
// socket joins room "bench"; a socket emitting "m" has it re-emitted to the rest of the room.
//   node dist/bench/cluster-fanout-socketio-node.js <port> <redis port>
import { createServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { Server } from "socket.io";

const [port, redisPort] = process.argv.slice(2).map(Number);
const publisher = new Redis({ host: "127.0.0.1", port: redisPort });
const subscriber = publisher.duplicate();
const httpServer = createServer();
const io = new Server(httpServer, {
  transports: ["websocket"],
  serveClient: false,
  perMessageDeflate: false,
  // The raw benchmark client doesn't answer engine.io heartbeats; keep them out of the run.
  pingInterval: 10 * 60_000,
  pingTimeout: 60_000,
  adapter: createAdapter(publisher, subscriber),
});
io.on("connection", (socket) => {
  void socket.join("bench");
  socket.on("m", (message: string) => socket.broadcast.to("bench").emit("m", message));
});
httpServer.listen(port, "127.0.0.1");
process.once("SIGTERM", () => io.close(() => process.exit(0)));
