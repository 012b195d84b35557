// The echo plugin in the sandbox harness (its end-to-end test through a proxy: test/e2e/echo.test.ts).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";

// Compiled to dist/plugins/echo/test/: the .wasm files are in the source folders. The same tests run
// against the TypeScript build, the Rust one (plugins/echo-rust) and the Go one (plugins/echo-go).
const BUILDS = ["echo", "echo-rust", "echo-go"].map((build) => ({
  build,
  wasm: fileURLToPath(new URL(`../../../../plugins/${build}/${build}.wasm`, import.meta.url)),
}));

for (const { build, wasm } of BUILDS)
describe(`echo plugin (${build})`, () => {
  let echo: PluginHarness;
  before(async () => {
    echo = await loadPlugin(wasm);
  });
  after(() => echo.close());

  it("echoes text with the Echo: prefix and binary as it is", () => {
    const ws = echo.connect({ entry: "echo", path: "/ws" });
    ws.sendText("hello");
    ws.sendText("");
    ws.sendBinary(Uint8Array.of(1, 2, 3));
    assert.deepEqual(ws.received, [
      { type: "text", data: "Echo: hello" },
      { type: "text", data: "Echo: " },
      { type: "binary", data: Buffer.from([1, 2, 3]) },
    ]);
    ws.close();
  });

  it("keeps each client's messages to that client", () => {
    const a = echo.connect({ entry: "echo" });
    const b = echo.connect({ entry: "echo" });
    a.sendText("for a");
    assert.deepEqual(a.texts(), ["Echo: for a"]);
    assert.deepEqual(b.texts(), []);
  });

  it("lets a plain HTTP request through to the upstream", () => {
    const res = echo.request({ entry: "echo", path: "/", upstream: { body: "upstream page" } });
    assert.equal(res.outcome, "continued");
    assert.equal(res.text, "upstream page");
  });
});
