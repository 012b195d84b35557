// bench/plugin-state's request filters: one that does nothing, one that increments a store key, one
// that makes an outbound call (to the URL in its config) and continues with the answer.
import { NylonPlugin, fetch, store } from "@nylon/sdk";

const plugin = new NylonPlugin();
let upstream = "";

plugin.initialize<{ upstream?: string }>((config) => {
  upstream = config.upstream ?? "";
});

plugin.addPhaseHandler("noop", (phase) => {
  phase.requestFilter((ctx) => ctx.next());
});

plugin.addPhaseHandler("increment", (phase) => {
  phase.requestFilter((ctx) => {
    store.increment("requests", 1, undefined, (error) => (error ? ctx.end() : ctx.next()));
  });
});

plugin.addPhaseHandler("call", (phase) => {
  phase.requestFilter((ctx) => {
    fetch(upstream, {}, (error) => (error ? ctx.end() : ctx.next()));
  });
});
