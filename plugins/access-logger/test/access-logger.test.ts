// The access-logger plugin in the sandbox harness: one JSON line per request, in the logging phase.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";


// Compiled to dist/plugins/access-logger/test/: the .wasm is in the source folder.
const WASM = fileURLToPath(new URL("../../../../plugins/access-logger/access-logger.wasm", import.meta.url));

describe("access-logger plugin", () => {
  let logger: PluginHarness;
  before(async () => {
    logger = await loadPlugin(WASM);
  });
  after(() => logger.close());

  it("logs method, path, status, bytes and client of a request the upstream answered", () => {
    const res = logger.request({
      entry: "access-log",
      method: "POST",
      path: "/orders?x=1",
      headers: { "User-Agent": "harness" },
      clientIp: "192.0.2.7",
      upstream: { status: 201, body: "created" },
    });
    assert.equal(res.outcome, "continued");
    const line = res.logs.find((r) => r.plugin === "access-logger" && r.msg.startsWith("access "));
    assert.ok(line, JSON.stringify(res.logs));
    assert.deepEqual(JSON.parse(line.msg.slice("access ".length)), {
      method: "POST",
      path: "/orders",
      status: 201,
      bytes: 7,
      duration_ms: 0,
      client_ip: "192.0.2.7",
      user_agent: "harness",
    });
  });
});
