// Socket.IO 4 room with the same publisher protocol as the other fan-out servers: every socket joins
// room "bench"; a socket emitting "m" has it re-emitted to the rest of the room (the sender excluded).
import { createServer } from "node:http";
import { Server } from "socket.io";

const httpServer = createServer();
const io = new Server(httpServer, {
  transports: ["websocket"],
  serveClient: false,
  perMessageDeflate: false,
  // The raw benchmark client doesn't answer engine.io heartbeats; keep them out of the run (and its byte count).
  pingInterval: 10 * 60_000,
  pingTimeout: 60_000,
});
io.on("connection", (socket) => {
  void socket.join("bench");
  socket.on("m", (message: string) => socket.broadcast.to("bench").emit("m", message));
});
httpServer.listen(Number(process.argv[2]), "127.0.0.1");
process.once("SIGTERM", () => io.close(() => process.exit(0)));
