// The hostile-plugin scenarios (hostile-scenarios.ts) against Rust plugins (test/plugins/hostile-rust),
// inline and in a worker thread, and what a Rust panic does.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeHostilePlugins, HOSTILE_PLUGIN, LIMITS, misbehaveOverHttp, pluginErrors, recovers } from "./hostile-scenarios.js";
import { closed, nextText, openWs, waitForFailures, withHostileNeighbour as withNeighbour } from "./sandbox-fixtures.js";

for (const isolation of ["inline", "worker"] as const) describeHostilePlugins("Rust", isolation);

// On stable Rust a panic cannot be caught on wasm32: the SDK's panic hook logs it, then the instance
// traps and is rebuilt, so unlike a TypeScript throw it ends every connection of the plugin.
for (const isolation of ["inline", "worker"] as const)
describe(`a Rust plugin that panics (isolation: ${isolation})`, { concurrency: false }, () => {
  it("500 for the request, the panic's message and place in the log, then the route works again", async () => {
    await withNeighbour(HOSTILE_PLUGIN.Rust("panic"), LIMITS, async (nylon) => {
      await misbehaveOverHttp(nylon, ["trap"]);
      assert.ok(
        pluginErrors(nylon).some((line) => /^entry "hostile" request-filter panicked: panicked at .*src\/lib\.rs:\d+:\d+:\nhostile plugin panics$/.test(line)),
        `the panic is logged: ${JSON.stringify(pluginErrors(nylon))}`,
      );
      await recovers(nylon, "ok panic");
    }, isolation);
  });

  it("in a WebSocket callback: every connection of the plugin closes with 1011, new ones work", async () => {
    await withNeighbour(HOSTILE_PLUGIN.Rust("panic"), LIMITS, async (nylon) => {
      const panicking = await openWs(`${nylon.wsUrl}/hostile`);
      const bystander = await openWs(`${nylon.wsUrl}/hostile`);
      const panickingClosed = closed(panicking);
      const bystanderClosed = closed(bystander);
      panicking.send("misbehave");
      assert.equal((await panickingClosed).code, 1011);
      assert.equal((await bystanderClosed).code, 1011);
      assert.deepEqual((await waitForFailures(nylon, 1)).map((f) => [f.kind, f.call]), [["trap", "ws-on-message-text"]]);
      assert.ok(pluginErrors(nylon).some((line) => line.startsWith("ws-on-message-text panicked: ")), JSON.stringify(pluginErrors(nylon)));
      const fresh = await openWs(`${nylon.wsUrl}/hostile`);
      fresh.send("hello");
      assert.equal(await nextText(fresh), "echo: hello");
      fresh.close();
    }, isolation);
  });
});

