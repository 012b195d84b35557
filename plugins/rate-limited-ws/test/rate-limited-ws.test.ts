// The rate-limited-ws plugin in the sandbox harness: at most 5 connections per client IP
// (its end-to-end test through a proxy: test/e2e/rate-limited-ws.test.ts).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";


// Compiled to dist/plugins/rate-limited-ws/test/: the .wasm files are in the source folders. The same tests run
// against the TypeScript build and the Go one (plugins/rate-limited-ws-go).
const BUILDS = ["rate-limited-ws", "rate-limited-ws-go"].map((build) => ({
  build,
  wasm: fileURLToPath(new URL(`../../../../plugins/${build}/${build}.wasm`, import.meta.url)),
}));

for (const { build, wasm } of BUILDS)
describe(`rate-limited-ws plugin (${build})`, () => {
  let limited: PluginHarness;
  before(async () => {
    limited = await loadPlugin(wasm);
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
