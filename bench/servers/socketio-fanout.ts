// Socket.IO 4 room with the same publisher protocol as the other fan-out servers: every socket joins
// room "bench"; a socket emitting "m" has it re-emitted to the rest of the room (the sender excluded).
// With a Redis port it is one node of the cluster fan-out benchmark, sharing rooms through
// @socket.io/redis-adapter.
//   node dist/bench/servers/socketio-fanout.js <port> [<redis port>]
import { createServer } from "node:http";
import { Server } from "socket.io";

const [port, redisPort] = process.argv.slice(2).map(Number);
const httpServer = createServer();
const io = new Server(httpServer, {
  transports: ["websocket"],
  serveClient: false,
  perMessageDeflate: false,
  // The raw benchmark client doesn't answer engine.io heartbeats; keep them out of the run (and its byte count).
  pingInterval: 10 * 60_000,
  pingTimeout: 60_000,
});
if (redisPort) {
  const { createAdapter } = await import("@socket.io/redis-adapter");
  const { Redis } = await import("ioredis");
  const publisher = new Redis({ host: "127.0.0.1", port: redisPort });
  io.adapter(createAdapter(publisher, publisher.duplicate()));
}
io.on("connection", (socket) => {
  void socket.join("bench");
  socket.on("m", (message: string) => socket.broadcast.to("bench").emit("m", message));
});
httpServer.listen(port, "127.0.0.1");
process.once("SIGTERM", () => io.close(() => process.exit(0)));
