// A chat in one room (?room=<name>, default "general") that also answers questions about the cluster,
// for the multi-node tests:
//   "/size"           -> "size <members of the room on every node>"
//   "/id"             -> "id <this connection's cluster-wide id>"
//   "/rooms"          -> "rooms <the rooms this connection is in, comma-separated>"
//   "/to <id> <text>" -> <text> sent to that connection, wherever it is ("unknown <id>" if refused)
//   anything else     -> broadcast to the room, the sender included
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("probe", (phase) => {
  phase.requestFilter((ctx) => {
    const ROOM = ctx.request().queryParam("room") || "general";
    const err = ctx.webSocketUpgrade({
      onOpen: (ws) => {
        ws.joinRoom(ROOM);
      },
      onMessageText: (ws, msg) => {
        if (msg === "/size") {
          ws.sendText(`size ${ws.roomSize(ROOM)}`);
        } else if (msg === "/rooms") {
          ws.sendText(`rooms ${ws.rooms().join(",")}`);
        } else if (msg === "/id") {
          ws.sendText(`id ${ws.id}`);
        } else if (msg.startsWith("/to ")) {
          const [, target = "", ...words] = msg.split(" ");
          if (ws.sendTextTo(target, words.join(" "))) ws.sendText(`unknown ${target}`);
        } else {
          ws.broadcastText(ROOM, msg);
        }
      },
    });
    if (err) ctx.next();
  });
});
