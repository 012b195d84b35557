// The json-ws plugin in the sandbox harness: typed JSON messages, echo and lobby broadcast
// (its end-to-end test through a proxy: test/e2e/json-ws.test.ts).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";


// Compiled to dist/plugins/json-ws/test/: the .wasm files are in the source folders. The same tests run
// against the TypeScript build and the Go one (plugins/json-ws-go).
const BUILDS = ["json-ws", "json-ws-go"].map((build) => ({
  build,
  wasm: fileURLToPath(new URL(`../../../../plugins/${build}/${build}.wasm`, import.meta.url)),
}));

for (const { build, wasm } of BUILDS)
describe(`json-ws plugin (${build})`, () => {
  let json: PluginHarness;
  before(async () => {
    json = await loadPlugin(wasm);
  });
  after(() => json.close());

  it("echoes an echo message as JSON and broadcasts a broadcast message to the lobby", () => {
    const alice = json.connect({ entry: "json-ws" });
    const bob = json.connect({ entry: "json-ws" });
    alice.sendText(JSON.stringify({ type: "echo", data: "ping" }));
    assert.deepEqual(alice.texts().map((t) => JSON.parse(t) as unknown), [{ type: "echo", data: "ping" }]);
    alice.takeReceived();
    alice.sendText(JSON.stringify({ type: "broadcast", data: "to everyone" }));
    assert.deepEqual(bob.texts(), ["to everyone"]);
    assert.deepEqual(alice.texts(), ["to everyone"]);
    alice.close();
    bob.close();
  });

  it("answers invalid JSON and unknown types", () => {
    const ws = json.connect({ entry: "json-ws" });
    ws.sendText("{not json");
    ws.sendText(JSON.stringify({ type: "dance" }));
    assert.deepEqual(ws.texts(), ["Invalid JSON", "Unknown message type"]);
    ws.close();
  });
});
