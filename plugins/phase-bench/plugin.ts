// The plugins bench/plugin-phases.ts puts in front of a route: a request filter that only continues,
// and one that also sets a response header (one host call that validates and stores it).
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();

plugin.addPhaseHandler("noop", (phase) => {
  phase.requestFilter((ctx) => ctx.next());
});

plugin.addPhaseHandler("set-header", (phase) => {
  phase.requestFilter((ctx) => {
    ctx.setResponseHeader("X-Bench", "1");
    ctx.next();
  });
});
