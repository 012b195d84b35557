// A hostile plugin in the harness: every way it breaks the sandbox comes back as a value, and the test
// process carries on.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "../../runtime/harness/index.js";
import { fixtureWasm } from "./fixture-plugins.js";

/** Longer than the restart back-off's longest hold, so each case starts with a fresh instance. */
const PAST_BACKOFF_MS = 60_000;

describe("harness: a hostile plugin", () => {
  let hostile: PluginHarness;
  before(async () => {
    hostile = await loadPlugin(await fixtureWasm("hostile"), { limits: { memoryMb: 64, deadlineMs: 50 } });
  });
  after(() => hostile.close());

  const cases = [
    { entry: "spins", reason: "deadline" },
    { entry: "overflows-stack", reason: "stack" },
    { entry: "exhausts-memory", reason: "memory" },
    { entry: "throws", reason: "threw" },
  ] as const;
  for (const { entry, reason } of cases) {
    it(`${entry}: the request fails with reason "${reason}" and a 500, and the next request is served`, () => {
      hostile.advanceTime(PAST_BACKOFF_MS);
      const res = hostile.request({ entry });
      assert.equal(res.outcome, "failed");
      assert.equal(res.failed?.reason, reason, JSON.stringify(res.failed));
      assert.equal(res.status, 500);
      hostile.advanceTime(PAST_BACKOFF_MS);
      assert.equal(hostile.request({ entry: "fine" }).status, 204);
    });
  }

  it("a plugin that keeps failing is held off: 503 with reason unavailable", () => {
    hostile.advanceTime(PAST_BACKOFF_MS);
    hostile.request({ entry: "overflows-stack" });
    hostile.request({ entry: "overflows-stack" });
    const res = hostile.request({ entry: "fine" });
    assert.equal(res.status, 503);
    assert.equal(res.failed?.reason, "unavailable");
  });

  it("a WebSocket callback past its deadline: the failure is the step's value and the client sees 1011", () => {
    hostile.advanceTime(PAST_BACKOFF_MS);
    const ws = hostile.connect({ entry: "spins-on-message" });
    assert.deepEqual(ws.texts(), ["ready"]);
    const step = ws.sendText("go");
    assert.equal(step.failed?.reason, "deadline");
    assert.equal(step.failed?.call, "ws-on-message-text");
    assert.deepEqual(ws.closed, { code: 1011, reason: "plugin failed", by: "server" });
    assert.ok(hostile.failures.length >= 5);
  });
});
