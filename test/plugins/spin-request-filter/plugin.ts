// Hostile: a request filter that never returns when the request asks for it (?misbehave=1).
// Without `misbehave` it answers 200, so a test can see the route work again after a restart.
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("hostile", (phase) => {
  phase.requestFilter((ctx) => {
    if (ctx.request().queryParam("misbehave") !== "") {
      let n = 0;
      for (;;) n++;
    }
    ctx.response().setStatus(200);
    ctx.response().bodyText("ok spin-request-filter");
    ctx.end();
  });
});
