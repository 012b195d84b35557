// Timers and the clock, for the harness's time tests: "countdown N" sends "tick 1".."tick N" one second
// apart and then closes with 4000; "now" answers with the plugin's clock (Date.now()).
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("countdown", (phase) => {
  phase.requestFilter((ctx) => {
    ctx.webSocketUpgrade({
      onMessageText: (ws, msg) => {
        if (msg === "now") {
          ws.sendText(String(Date.now()));
          return;
        }
        const total = Number(msg.replace("countdown ", ""));
        let tick = 0;
        const timer = setInterval(() => {
          tick++;
          ws.sendText(`tick ${tick}`);
          if (tick >= total) {
            clearInterval(timer);
            ws.close(4000, "countdown over");
          }
        }, 1000);
      },
    });
  });
});
