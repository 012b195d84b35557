// The multi-chat plugin in the sandbox harness: /join moves a client between rooms
// (its end-to-end test through a proxy: test/e2e/multi-chat.test.ts).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";

// Compiled to dist/plugins/multi-chat/test/: the .wasm files are in the source folders. The same tests run
// against the TypeScript build, the Rust one (plugins/multi-chat-rust) and the Go one (plugins/multi-chat-go).
const BUILDS = ["multi-chat", "multi-chat-rust", "multi-chat-go"].map((build) => ({
  build,
  wasm: fileURLToPath(new URL(`../../../../plugins/${build}/${build}.wasm`, import.meta.url)),
}));

for (const { build, wasm } of BUILDS)
describe(`multi-chat plugin (${build})`, () => {
  let multi: PluginHarness;
  before(async () => {
    multi = await loadPlugin(wasm);
  });
  after(() => multi.close());

  it("starts in general, moves with /join, and broadcasts only to the current room", () => {
    const alice = multi.connect({ entry: "multi-chat" });
    const bob = multi.connect({ entry: "multi-chat" });
    assert.deepEqual(alice.takeReceived().map((f) => f.data), ["Joined general"]);
    bob.takeReceived();
    alice.sendText("/join tech");
    assert.deepEqual(alice.texts(), ["Joined tech"]);
    assert.deepEqual(alice.rooms(), ["tech"]);
    assert.equal(multi.roomSize("general"), 1);
    alice.takeReceived();
    alice.sendText("in tech");
    bob.sendText("in general");
    assert.deepEqual(alice.texts(), ["in tech"]);
    assert.deepEqual(bob.texts(), ["in general"]);
    alice.close();
    bob.close();
    assert.equal(multi.roomSize("tech"), 0);
  });

  it("refuses an unknown room and stays where it was", () => {
    const ws = multi.connect({ entry: "multi-chat" });
    ws.takeReceived();
    ws.sendText("/join nowhere");
    assert.deepEqual(ws.texts(), ["Room not found"]);
    assert.deepEqual(ws.rooms(), ["general"]);
    ws.close();
  });
});
