// The sse-clock plugin in the sandbox harness: server-sent tick events as time advances.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";


// Compiled to dist/plugins/sse-clock/test/: the .wasm is in the source folder.
const WASM = fileURLToPath(new URL("../../../../plugins/sse-clock/sse-clock.wasm", import.meta.url));

describe("sse-clock plugin", () => {
  let clock: PluginHarness;
  before(async () => {
    clock = await loadPlugin(WASM);
  });
  after(() => clock.close());

  it("streams count tick events interval_ms apart, then ends the stream", () => {
    const res = clock.request({ entry: "clock", payload: { interval_ms: 100, count: 3 } });
    assert.equal(res.headers["content-type"], "text/event-stream");
    assert.ok(res.stream);
    assert.equal(res.stream.text(), ": connected\n\n");
    clock.advanceTime(100);
    assert.match(res.stream.text(), /id: 1\nevent: tick\n/);
    assert.equal(res.stream.ended, false);
    clock.advanceTime(1000);
    assert.equal((res.stream.text().match(/event: tick/g) ?? []).length, 3);
    assert.equal(res.stream.ended, true);
  });
});
