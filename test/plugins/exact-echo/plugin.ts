// Echoes every WebSocket message unchanged, text as text and binary as binary: the server that the
// Autobahn|Testsuite conformance run (test/websocket/autobahn.test.ts) and the limit tests talk to.
// When the host refuses an echo (over the plugin's limits.max_send_bytes), the plugin closes the
// connection with 1009 and the host error's code as the reason, so a client never waits for an echo
// that will not come.
import { NylonPlugin, type NylonError, type WebSocketConn } from "@nylon/sdk";

const plugin = new NylonPlugin();

function refused(ws: WebSocketConn, err: NylonError | null): void {
  if (err) ws.close(1009, err.code);
}

plugin.addPhaseHandler("echo", (phase) => {
  phase.requestFilter((ctx) => {
    const err = ctx.webSocketUpgrade({
      onMessageText: (ws, msg) => refused(ws, ws.sendText(msg)),
      onMessageBinary: (ws, data) => refused(ws, ws.sendBinary(data)),
    });
    if (err) {
      ctx.response().setStatus(400);
      ctx.response().bodyText(`not a websocket: ${err.code}`);
      ctx.end();
    }
  });
});
