// A plugin that waits, for the tests of what nylon does around it: `hang` leaves its request filter
// pending on a call that does not answer in time; `spin` never returns (the deadline fails the
// instance, and with it every request still waiting on it); `count` answers with a store increment.
import { NylonPlugin, fetch, store } from "@nylon/sdk";

const plugin = new NylonPlugin();
let slowUrl = "";

plugin.initialize<{ slow_url?: string }>((config) => {
  slowUrl = config.slow_url ?? "";
});

plugin.addPhaseHandler("hang", (phase) => {
  phase.requestFilter((ctx) => {
    fetch(slowUrl, {}, (error) => {
      ctx.response().setStatus(error ? 502 : 200);
      ctx.end();
    });
  });
});

plugin.addPhaseHandler("spin", (phase) => {
  phase.requestFilter(() => {
    let n = 0;
    for (;;) n++;
  });
});

plugin.addPhaseHandler("count", (phase) => {
  phase.requestFilter((ctx) => {
    store.increment("count", 1, undefined, (error, count) => {
      ctx.response().bodyText(error ? error.code : String(count));
      ctx.end();
    });
  });
});
