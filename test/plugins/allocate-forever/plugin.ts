// Hostile: on ?misbehave=1, keeps 1 MiB buffers in a module-level array until memory runs out, so the
// instance stays at its memory cap afterwards (a leak, not a spike). Buffers, not strings: zeroing
// memory is a bulk `memory.fill`, so the cap is reached long before the deadline.
import { NylonPlugin } from "@nylon/sdk";

const hoard: ArrayBuffer[] = [];
const plugin = new NylonPlugin();

plugin.addPhaseHandler("hostile", (phase) => {
  phase.requestFilter((ctx) => {
    if (ctx.request().queryParam("misbehave") !== "") {
      for (;;) hoard.push(new ArrayBuffer(1024 * 1024));
    }
    ctx.response().setStatus(200);
    ctx.response().bodyText("ok allocate-forever");
    ctx.end();
  });
});
