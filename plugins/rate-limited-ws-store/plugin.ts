// The seed's connection limit counted in the plugin's store instead of the instance's memory: at most
// MAX_CONNECTIONS open WebSockets per client IP across every nylon process that shares the store (the
// workers of a node with the memory store, every node with `store.backend: redis`). The next one gets a
// plain HTTP 429 before any upgrade; a connection's slot is released when it closes.
import { NylonPlugin, store } from "@nylon/sdk";

const MAX_CONNECTIONS = 5;
const plugin = new NylonPlugin();

const slotKey = (clientIP: string) => `connections:${clientIP}`;

function release(clientIP: string): void {
  store.increment(slotKey(clientIP), -1, undefined, (error) => {
    if (error) console.error(`cannot release the slot of ${clientIP}: ${error.code} ${error.message}`);
  });
}

plugin.addPhaseHandler("rate-limited-ws", (phase) => {
  phase.requestFilter((ctx) => {
    const clientIP = ctx.request().clientIP();
    // The increment takes the slot atomically: two nodes can never both see 4 and both admit a 5th.
    store.increment(slotKey(clientIP), 1, undefined, (error, count) => {
      if (error) {
        // Without the count the limit cannot be kept: refuse rather than let everyone in.
        ctx.response().setStatus(503);
        ctx.response().bodyText("Connection limit unavailable");
        ctx.end();
        return;
      }
      if (count > MAX_CONNECTIONS) {
        release(clientIP);
        ctx.response().setStatus(429);
        ctx.response().bodyText("Too many connections");
        ctx.end();
        return;
      }
      const err = ctx.webSocketUpgrade({
        onOpen: (ws) => {
          ws.sendText("Connected");
        },
        onClose: () => release(clientIP),
      });
      if (err) {
        release(clientIP);
        ctx.response().setStatus(400);
        ctx.response().bodyText("WebSocket upgrade failed");
        ctx.end();
      }
    });
  });
});
