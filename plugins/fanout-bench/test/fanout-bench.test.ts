// The fan-out benchmark plugin in the sandbox harness: a message reaches every other member of the room.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";


// Compiled to dist/plugins/fanout-bench/test/: the .wasm is in the source folder.
const WASM = fileURLToPath(new URL("../../../../plugins/fanout-bench/fanout-bench.wasm", import.meta.url));

describe("fanout-bench plugin", () => {
  let fanout: PluginHarness;
  before(async () => {
    fanout = await loadPlugin(WASM);
  });
  after(() => fanout.close());

  it("re-broadcasts a publisher's message to the rest of the room, not back to it", () => {
    const publisher = fanout.connect({ entry: "fanout" });
    const subscribers = [fanout.connect({ entry: "fanout" }), fanout.connect({ entry: "fanout" })];
    assert.equal(fanout.roomSize("bench"), 3);
    publisher.sendText("tick");
    assert.deepEqual(publisher.texts(), []);
    for (const s of subscribers) assert.deepEqual(s.texts(), ["tick"]);
  });
});
