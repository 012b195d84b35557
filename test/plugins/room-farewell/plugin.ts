// Every connection joins "lobby"; when one closes, its onClose tells the lobby what it sees then:
// "left: <roomSize(lobby)> remain, rooms <its rooms>".
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("farewell", (phase) => {
  phase.requestFilter((ctx) => {
    const err = ctx.webSocketUpgrade({
      onOpen: (ws) => {
        ws.joinRoom("lobby");
      },
      onClose: (ws) => {
        ws.broadcastText("lobby", `left: ${ws.roomSize("lobby")} remain, rooms ${ws.rooms().join(",")}`);
      },
    });
    if (err) ctx.next();
  });
});
