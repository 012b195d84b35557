// The rate-limited-ws plugin in the sandbox harness: at most 5 connections per client IP
// (its end-to-end test through a proxy: test/e2e/rate-limited-ws.test.ts).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";


// Compiled to dist/plugins/rate-limited-ws/test/: the .wasm is in the source folder.
const WASM = fileURLToPath(new URL("../../../../plugins/rate-limited-ws/rate-limited-ws.wasm", import.meta.url));

describe("rate-limited-ws plugin", () => {
  let limited: PluginHarness;
  before(async () => {
    limited = await loadPlugin(WASM);
  });
  after(() => limited.close());

  it("accepts five connections from one IP, refuses the sixth with 429, and frees a slot on close", () => {
    const open = Array.from({ length: 5 }, () => limited.connect({ entry: "rate-limited-ws", clientIp: "10.0.0.1" }));
    assert.ok(open.every((ws) => ws.accepted && ws.texts()[0] === "Connected"));
    const sixth = limited.connect({ entry: "rate-limited-ws", clientIp: "10.0.0.1" });
    assert.equal(sixth.handshake.status, 429);
    assert.equal(sixth.handshake.text, "Too many connections");
    assert.ok(limited.connect({ entry: "rate-limited-ws", clientIp: "10.0.0.2" }).accepted, "another IP has its own count");
    open[0]!.close();
    assert.ok(limited.connect({ entry: "rate-limited-ws", clientIp: "10.0.0.1" }).accepted);
  });
});
