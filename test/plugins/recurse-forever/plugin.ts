// Hostile: unbounded recursion on ?misbehave=1.
import { NylonPlugin } from "@nylon/sdk";

function deeper(n: number): number {
  return deeper(n + 1) + 1;
}

const plugin = new NylonPlugin();

plugin.addPhaseHandler("hostile", (phase) => {
  phase.requestFilter((ctx) => {
    if (ctx.request().queryParam("misbehave") !== "") deeper(0);
    ctx.response().setStatus(200);
    ctx.response().bodyText("ok recurse-forever");
    ctx.end();
  });
});
