// Fan-out benchmark room (bench/ws-fanout.ts): every connection joins room "bench", and each text
// message is re-broadcast to the rest of the room. Plugins can't run timers, so the publisher is just
// another client sending at the benchmark's rate; excluding the sender keeps it out of the count.
import { NylonPlugin } from "@nylon/sdk";

const ROOM = "bench";
const plugin = new NylonPlugin();

plugin.addPhaseHandler("fanout", (phase) => {
  phase.requestFilter((ctx) => {
    const err = ctx.webSocketUpgrade({
      onOpen: (ws) => ws.joinRoom(ROOM),
      onMessageText: (ws, msg) => ws.broadcastText(ROOM, msg, { excludeSelf: true }),
    });
    if (err) ctx.next();
  });
});
