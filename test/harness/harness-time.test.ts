// The harness's clock: plugin timers fire only when the test advances time, in order, and now-ms
// reads the same clock, in both guest languages.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "../../runtime/harness/index.js";
import { fixtureWasm } from "./fixture-plugins.js";

// The TypeScript plugin (setInterval) and its Rust build (nylon_sdk::set_interval) alike.
for (const fixture of ["timers", "timers-rust"])
describe(`harness: time (${fixture})`, () => {
  let timers: PluginHarness;
  before(async () => {
    timers = await loadPlugin(await fixtureWasm(fixture));
  });
  after(() => timers.close());

  it("timers fire as time advances, and a close from a timer reaches the client", () => {
    const ws = timers.connect({ entry: "countdown" });
    ws.sendText("countdown 3");
    assert.deepEqual(ws.texts(), []);
    timers.advanceTime(999);
    assert.deepEqual(ws.texts(), []);
    timers.advanceTime(1);
    assert.deepEqual(ws.texts(), ["tick 1"]);
    timers.advanceTime(5000);
    assert.deepEqual(ws.texts(), ["tick 1", "tick 2", "tick 3"]);
    assert.deepEqual(ws.closed, { code: 4000, reason: "countdown over", by: "server" });
  });

  it("the plugin's clock is the harness's", () => {
    const ws = timers.connect({ entry: "countdown" });
    const before = timers.now();
    ws.sendText("now");
    timers.advanceTime(60_000);
    ws.sendText("now");
    assert.deepEqual(ws.texts().map(Number), [before, before + 60_000]);
  });
});
