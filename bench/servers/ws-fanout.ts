// The naive `ws` room: every connection joins, and each text message from one connection is sent to
// every other one by a plain loop of send() calls (one write per socket; no corking across sockets).
import { WebSocketServer, type WebSocket } from "ws";

const room = new Set<WebSocket>();
const server = new WebSocketServer({ host: "127.0.0.1", port: Number(process.argv[2]), path: "/fanout", perMessageDeflate: false });
server.on("connection", (socket) => {
  room.add(socket);
  socket.on("close", () => room.delete(socket));
  socket.on("error", () => {});
  socket.on("message", (data, isBinary) => {
    if (isBinary) return;
    const message = data.toString();
    for (const member of room) if (member !== socket) member.send(message);
  });
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
