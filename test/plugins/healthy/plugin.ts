// The well-behaved neighbour in the sandbox tests: plain requests get 200 "healthy", WebSocket text
// is echoed back.
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("healthy", (phase) => {
  phase.requestFilter((ctx) => {
    const err = ctx.webSocketUpgrade({ onMessageText: (ws, msg) => ws.sendText("echo: " + msg) });
    if (err) {
      ctx.response().setStatus(200);
      ctx.response().bodyText("healthy");
      ctx.end();
    }
  });
});
