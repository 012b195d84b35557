// HTTP through an entry's phases in the harness: end, next with a fake upstream, payload templates,
// and the upstream request headers a middleware leaves.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "../../runtime/harness/index.js";
import { examplePluginWasm } from "./fixture-plugins.js";

describe("harness: HTTP requests", () => {
  let echo: PluginHarness;
  let auth: PluginHarness;
  before(async () => {
    echo = await loadPlugin(examplePluginWasm("echo"));
    auth = await loadPlugin(examplePluginWasm("auth-ws"), { config: { tokens: ["secret"] } });
  });
  after(() => {
    echo.close();
    auth.close();
  });

  it("a request that is not an upgrade continues to the (fake) upstream, whose answer comes back", () => {
    const res = echo.request({ entry: "echo", path: "/x", upstream: { status: 201, headers: { "X-Up": "yes" }, body: "from upstream" } });
    assert.equal(res.outcome, "continued");
    assert.equal(res.status, 201);
    assert.equal(res.headers["x-up"], "yes");
    assert.equal(res.text, "from upstream");
    assert.equal(res.failed, null);
  });

  it("a plugin that ends the request answers it, and what it logged is in the result", () => {
    const res = auth.request({ entry: "auth-ws", path: "/ws", query: { token: "wrong" } });
    assert.equal(res.outcome, "ended");
    assert.equal(res.status, 401);
    assert.equal(res.text, "Unauthorized");
  });

  it("an unknown entry is a test error that names the entries", () => {
    assert.throws(() => echo.request({ entry: "nope" }), /registers: echo/);
  });
});
