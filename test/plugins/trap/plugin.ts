// Hostile: a real WebAssembly trap (not a JS exception, which the SDK would catch) on ?misbehave=1:
// a host import called with arguments of the wrong type makes the binding code trap.
import { NylonPlugin } from "@nylon/sdk";
import * as host from "nylon:plugin/host@0.3.0";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("hostile", (phase) => {
  phase.requestFilter((ctx) => {
    if (ctx.request().queryParam("misbehave") !== "") {
      (host.responseSetStatus as unknown as (a: unknown, b: unknown) => void)({}, "not a number");
    }
    ctx.response().setStatus(200);
    ctx.response().bodyText("ok trap");
    ctx.end();
  });
});
