// The seed's multi-room chat: a connection starts in "general" and moves with "/join <room>";
// other text is broadcast to the room it is in.
import { NylonPlugin } from "@nylon/sdk";

const ROOMS = new Set(["general", "tech", "random"]);
const JOIN_COMMAND = "/join ";
const plugin = new NylonPlugin();

plugin.addPhaseHandler("multi-chat", (phase) => {
  phase.requestFilter((ctx) => {
    // One request is one connection, so this closure variable is per-connection state.
    let currentRoom = "general";

    const err = ctx.webSocketUpgrade({
      onOpen: (ws) => {
        ws.joinRoom(currentRoom);
        ws.sendText("Joined " + currentRoom);
      },
      onMessageText: (ws, msg) => {
        if (msg.startsWith(JOIN_COMMAND)) {
          const newRoom = msg.slice(JOIN_COMMAND.length);
          if (!ROOMS.has(newRoom)) {
            ws.sendText("Room not found");
            return;
          }
          ws.leaveRoom(currentRoom);
          currentRoom = newRoom;
          ws.joinRoom(currentRoom);
          ws.sendText("Joined " + currentRoom);
          return;
        }
        ws.broadcastText(currentRoom, msg);
      },
      onClose: (ws) => {
        ws.leaveRoom(currentRoom);
      },
    });
    if (err) ctx.next();
  });
});
