// The seed's rate limiting: at most MAX_CONNECTIONS open WebSockets per client IP; the next one gets a
// plain HTTP 429 before any upgrade. A connection's slot is released when it closes.
import { NylonPlugin } from "@nylon/sdk";

const MAX_CONNECTIONS = 5;
const plugin = new NylonPlugin();

// Plugin-wide state: a plugin instance runs one callback at a time, so no lock is needed (the seed's mutex).
const connections = new Map<string, number>();

function release(clientIP: string): void {
  const remaining = (connections.get(clientIP) ?? 1) - 1;
  if (remaining > 0) connections.set(clientIP, remaining);
  else connections.delete(clientIP); // keep the map from growing with every IP ever seen
}

plugin.addPhaseHandler("rate-limited-ws", (phase) => {
  phase.requestFilter((ctx) => {
    const clientIP = ctx.request().clientIP();
    const count = connections.get(clientIP) ?? 0;
    if (count >= MAX_CONNECTIONS) {
      ctx.response().setStatus(429);
      ctx.response().bodyText("Too many connections");
      ctx.end();
      return;
    }
    connections.set(clientIP, count + 1);

    const err = ctx.webSocketUpgrade({
      onOpen: (ws) => {
        ws.sendText("Connected");
      },
      onClose: () => {
        release(clientIP);
      },
    });

    if (err) {
      // The seed keeps the slot of a failed upgrade forever; no connection was opened, so give it back.
      release(clientIP);
      ctx.response().setStatus(400);
      ctx.response().bodyText("WebSocket upgrade failed");
      ctx.end();
    }
  });
});
