// A plugin that misbehaves on purpose, for the harness's tests: each entry fails the sandbox one way.
// The harness must report every failure as a value, and the test process must survive it.
import { NylonPlugin } from "@nylon/sdk";

const plugin = new NylonPlugin();
const hoard: Uint8Array[] = [];

function recurse(depth: number): number {
  return recurse(depth + 1) + 1;
}

plugin.addPhaseHandler("throws", (phase) => {
  phase.requestFilter(() => {
    throw new Error("thrown on purpose");
  });
});

plugin.addPhaseHandler("overflows-stack", (phase) => {
  phase.requestFilter(() => {
    recurse(0);
  });
});

plugin.addPhaseHandler("exhausts-memory", (phase) => {
  phase.requestFilter(() => {
    for (;;) hoard.push(new Uint8Array(1 << 20).fill(1));
  });
});

plugin.addPhaseHandler("spins", (phase) => {
  phase.requestFilter(() => {
    for (;;) {}
  });
});

plugin.addPhaseHandler("fine", (phase) => {
  phase.requestFilter((ctx) => {
    ctx.response().setStatus(204);
    ctx.end();
  });
});

plugin.addPhaseHandler("spins-on-message", (phase) => {
  phase.requestFilter((ctx) => {
    ctx.webSocketUpgrade({
      onOpen: (ws) => ws.sendText("ready"),
      onMessageText: () => {
        for (;;) {}
      },
    });
  });
});
