// The seed's chat server: everyone shares room "general"; joins, messages and departures are broadcast.
import { NylonPlugin } from "@nylon/sdk";

const ROOM = "general";
const plugin = new NylonPlugin();

plugin.addPhaseHandler("chat", (phase) => {
  phase.requestFilter((ctx) => {
    const err = ctx.webSocketUpgrade({
      onOpen: (ws) => {
        console.log("[Chat] User joined");
        ws.joinRoom(ROOM);
        ws.broadcastText(ROOM, "A user joined the chat");
        ws.sendText("Welcome to the chat!");
      },
      onMessageText: (ws, msg) => {
        console.log(`[Chat] Message: ${msg}`);
        // The sender is in the room too, so it sees its own message (the browser page relies on that).
        ws.broadcastText(ROOM, msg);
      },
      onClose: (ws) => {
        console.log("[Chat] User left");
        ws.leaveRoom(ROOM);
        ws.broadcastText(ROOM, "A user left the chat");
      },
      onError: (_ws, error) => {
        console.log(`[Chat] Error: ${error}`);
      },
    });

    if (err) {
      // Not a WebSocket handshake (e.g. a plain GET): answer it instead of passing it on.
      ctx.response().setStatus(400);
      ctx.response().bodyText("WebSocket upgrade failed");
      ctx.end();
    }
  });
});
