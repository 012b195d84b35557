// Hostile: throws from the request filter on ?misbehave=1 and from onMessageText on "misbehave".
// The SDK catches both: the request ends with 500 and the connection with 1011.
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("hostile", (phase) => {
  phase.requestFilter((ctx) => {
    if (ctx.request().queryParam("misbehave") !== "") throw new Error("hostile plugin throws");
    const err = ctx.webSocketUpgrade({
      onMessageText: (ws, msg) => {
        if (msg === "misbehave") throw new Error("hostile plugin throws in onMessageText");
        ws.sendText("echo: " + msg);
      },
    });
    if (err) {
      ctx.response().setStatus(200);
      ctx.response().bodyText("ok throw");
      ctx.end();
    }
  });
});
