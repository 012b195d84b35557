// WebSockets in the harness: several clients with their own query, text and binary frames, close
// codes, rooms and room sizes, and a second node sharing rooms as nodes on one Redis do.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadPlugin, type PluginHarness } from "../../runtime/harness/index.js";
import { examplePluginWasm, fixtureWasm } from "./fixture-plugins.js";

describe("harness: WebSocket connections", () => {
  let echo: PluginHarness;
  before(async () => {
    echo = await loadPlugin(examplePluginWasm("echo"));
  });
  after(() => echo.close());

  it("text and binary frames make the round trip through the plugin", () => {
    const ws = echo.connect({ entry: "echo", path: "/ws" });
    assert.ok(ws.accepted);
    ws.sendText("hi");
    ws.sendBinary(Uint8Array.of(0, 1, 255));
    assert.deepEqual(ws.takeReceived(), [
      { type: "text", data: "Echo: hi" },
      { type: "binary", data: Buffer.from([0, 1, 255]) },
    ]);
    ws.close(4001, "done");
    assert.deepEqual(ws.closed, { code: 4001, reason: "done", by: "client" });
    assert.equal(ws.state, "closed");
    assert.throws(() => ws.sendText("late"), /closed/);
  });

  it("a message over max_message_bytes closes the connection with 1009, as ws does", async () => {
    const small = await loadPlugin(examplePluginWasm("echo"), { websocket: { maxMessageBytes: 8 } });
    try {
      const ws = small.connect({ entry: "echo" });
      ws.sendText("far too long for eight bytes");
      assert.equal(ws.closed?.code, 1009);
    } finally {
      small.close();
    }
  });
});

describe("harness: rooms on one node and across two", () => {
  let chat: PluginHarness;
  before(async () => {
    chat = await loadPlugin(examplePluginWasm("chat"));
  });
  after(() => chat.close());

  it("clients in one room receive each other's broadcasts, and the room size counts them", () => {
    const alice = chat.connect({ entry: "chat", headers: { "x-user": "alice" } });
    const bob = chat.connect({ entry: "chat", query: { user: "bob" } });
    assert.deepEqual(alice.rooms(), ["general"]);
    assert.equal(chat.roomSize("general"), 2);
    alice.takeReceived();
    bob.takeReceived();
    alice.sendText("hello");
    assert.deepEqual(bob.texts(), ["hello"]);
    assert.deepEqual(alice.texts(), ["hello"]);
    bob.close();
    assert.equal(chat.roomSize("general"), 1);
    assert.deepEqual(alice.texts().slice(-1), ["A user left the chat"]);
    alice.close();
    assert.equal(chat.roomSize("general"), 0);
  });

  it("a second node shares rooms: a broadcast on one node reaches members on the other", () => {
    const second = chat.nodes[1] ?? chat.addNode();
    const alice = chat.connect({ entry: "chat" });
    const carol = second.connect({ entry: "chat" });
    assert.ok(alice.id.startsWith("node-1:") && carol.id.startsWith("node-2:"));
    assert.equal(chat.roomSize("general"), 2);
    assert.equal(second.roomSize("general"), 2);
    alice.takeReceived();
    carol.takeReceived();
    carol.sendText("from node 2");
    assert.deepEqual(alice.texts(), ["from node 2"]);
    assert.deepEqual(carol.texts(), ["from node 2"]);
    carol.close();
    assert.deepEqual(alice.texts().slice(-1), ["A user left the chat"]);
    alice.close();
  });
});

describe("harness: roomSize() in onClose", () => {
  let farewell: PluginHarness;
  before(async () => {
    farewell = await loadPlugin(await fixtureWasm("room-farewell"));
  });
  after(() => farewell.close());

  it("no longer counts the leaving connection, which still lists its rooms", () => {
    const alice = farewell.connect({ entry: "farewell" });
    const bob = farewell.connect({ entry: "farewell" });
    assert.equal(farewell.roomSize("lobby"), 2);
    bob.close(1000);
    assert.deepEqual(alice.texts(), ["left: 1 remain, rooms lobby"]);
    assert.equal(farewell.roomSize("lobby"), 1);
  });
});
