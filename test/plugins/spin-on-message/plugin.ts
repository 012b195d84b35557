// Hostile: a WebSocket onMessageText that never returns when the message is "misbehave"; any other
// message is echoed. Plain HTTP requests get 200.
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("hostile", (phase) => {
  phase.requestFilter((ctx) => {
    const err = ctx.webSocketUpgrade({
      onMessageText: (ws, msg) => {
        if (msg === "misbehave") {
          let n = 0;
          for (;;) n++;
        }
        ws.sendText("echo: " + msg);
      },
    });
    if (err) {
      ctx.response().setStatus(200);
      ctx.response().bodyText("ok spin-on-message");
      ctx.end();
    }
  });
});
