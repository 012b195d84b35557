// The rate-limiter plugin in the sandbox harness: a fixed window per key, reset as time advances.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";


// Compiled to dist/plugins/rate-limiter/test/: the .wasm is in the source folder.
const WASM = fileURLToPath(new URL("../../../../plugins/rate-limiter/rate-limiter.wasm", import.meta.url));

describe("rate-limiter plugin", () => {
  let limiter: PluginHarness;
  before(async () => {
    limiter = await loadPlugin(WASM);
  });
  after(() => limiter.close());

  const payload = { limit: 2, window_seconds: 10 };

  it("allows the limit, answers 429 with Retry-After past it, and allows again in the next window", () => {
    const ask = () => limiter.request({ entry: "limit", payload, clientIp: "198.51.100.1" });
    assert.equal(ask().headers["x-ratelimit-remaining"], "1");
    assert.equal(ask().headers["x-ratelimit-remaining"], "0");
    const refused = ask();
    assert.equal(refused.status, 429);
    assert.equal(refused.headers["retry-after"], "10");
    limiter.advanceTime(10_000);
    assert.equal(ask().outcome, "continued");
  });

  it("counts each client on its own", () => {
    for (let i = 0; i < 3; i++) limiter.request({ entry: "limit", payload, clientIp: "198.51.100.2" });
    assert.equal(limiter.request({ entry: "limit", payload, clientIp: "198.51.100.3" }).outcome, "continued");
  });
});
