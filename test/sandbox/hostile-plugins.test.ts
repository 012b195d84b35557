// The hostile-plugin scenarios (hostile-scenarios.ts) against TypeScript plugins, inline and in a
// worker thread; and what a worker thread adds: a spinning plugin does not pause the rest.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeHostilePlugins, describeHostLimits } from "./hostile-scenarios.js";
import { eventually, get, waitForFailures, withHostileNeighbour as withNeighbour, type Isolation } from "./sandbox-fixtures.js";

for (const isolation of ["inline", "worker"] as const) {
  describeHostilePlugins("TypeScript", isolation);
  describeHostLimits("TypeScript", isolation);
}

describe("isolation: worker", { concurrency: false }, () => {
  it("a plugin spinning for a whole second in its thread does not pause the healthy route", async () => {
    const isolation: Isolation = "worker";
    await withNeighbour(
      "spin-request-filter",
      "{ deadline_ms: 1000 }",
      async (nylon, healthy) => {
        const started = performance.now();
        const reply = await get(`${nylon.url}/hostile?misbehave=1`);
        const ended = performance.now();
        const spunMs = ended - started;
        assert.equal(reply.status, 500);
        assert.equal((await waitForFailures(nylon, 1))[0]!.kind, "deadline");
        // The spin took the hostile request the better part of its 1 s deadline. Meanwhile the healthy
        // route went on answering back-to-back requests, each sent and answered while the plugin spun
        // (inline, the spin would hold the one event loop and none could be), none waiting as long as
        // the spin. Counted, not timed against a fixed figure: a loaded machine slows both sides.
        assert.ok(spunMs > 500, `the hostile request spun for ${spunMs.toFixed(0)} ms`);
        const answered = healthy.answeredWithin(started, ended);
        assert.ok(answered >= 3, `${answered} healthy requests were sent and answered while the plugin spun for ${spunMs.toFixed(0)} ms`);
        assert.ok(healthy.slowestRequestMs < spunMs / 2, `slowest healthy request ${healthy.slowestRequestMs.toFixed(0)} ms while the plugin spun for ${spunMs.toFixed(0)} ms`);
        await eventually(async () => (await get(`${nylon.url}/hostile`)).status === 200);
      },
      isolation,
    );
  });
});
