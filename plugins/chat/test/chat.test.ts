// The chat plugin in the sandbox harness: one room, join/leave notices, on one node and across two
// (its end-to-end test through a proxy: test/e2e/chat.test.ts).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "nylon-proxy/harness";

// Compiled to dist/plugins/chat/test/: the .wasm files are in the source folders. The same tests run
// against the TypeScript build, the Rust one (plugins/chat-rust) and the Go one (plugins/chat-go).
const BUILDS = ["chat", "chat-rust", "chat-go"].map((build) => ({
  build,
  wasm: fileURLToPath(new URL(`../../../../plugins/${build}/${build}.wasm`, import.meta.url)),
}));

for (const { build, wasm } of BUILDS)
describe(`chat plugin (${build})`, () => {
  let chat: PluginHarness;
  before(async () => {
    chat = await loadPlugin(wasm);
  });
  after(() => chat.close());

  it("welcomes a client, tells the room about joins, messages and leaves", () => {
    const alice = chat.connect({ entry: "chat", path: "/chat" });
    assert.deepEqual(alice.takeReceived().map((f) => f.data), ["A user joined the chat", "Welcome to the chat!"]);
    const bob = chat.connect({ entry: "chat", path: "/chat" });
    assert.deepEqual(alice.texts(), ["A user joined the chat"]);
    alice.takeReceived();
    bob.takeReceived();
    bob.sendText("hi all");
    assert.deepEqual(alice.texts(), ["hi all"]);
    assert.deepEqual(bob.texts(), ["hi all"]);
    assert.equal(chat.roomSize("general"), 2);
    bob.close();
    assert.deepEqual(alice.texts(), ["hi all", "A user left the chat"]);
    assert.equal(chat.roomSize("general"), 1);
    alice.close();
  });

  it("shares the room across two nodes", () => {
    const second = chat.addNode();
    const alice = chat.connect({ entry: "chat" });
    const carol = second.connect({ entry: "chat" });
    assert.equal(chat.roomSize("general"), 2);
    alice.takeReceived();
    carol.sendText("from the other node");
    assert.deepEqual(alice.texts(), ["from the other node"]);
  });

  it("answers 400 to a request that is not a WebSocket upgrade", () => {
    const res = chat.request({ entry: "chat", path: "/chat" });
    assert.equal(res.status, 400);
    assert.equal(res.text, "WebSocket upgrade failed");
  });
});
