// The seed's echo server: text comes back prefixed with "Echo: ", binary comes back as it is.
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("echo", (phase) => {
  phase.requestFilter((ctx) => {
    const err = ctx.webSocketUpgrade({
      onMessageText: (ws, msg) => ws.sendText("Echo: " + msg),
      onMessageBinary: (ws, data) => ws.sendBinary(data),
    });
    if (err) ctx.next();
  });
});
